import type { Platform } from '../../shared/config/platforms.js';
import type { ClientCredentials } from '../../shared/adapters/platforms/config.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import type { SandboxAppState, SandboxStore } from './store.js';

/** The app credentials the sandbox knows (the local registry is built with these). */
export const SANDBOX_CLIENTS: Record<Platform, ClientCredentials> = {
  facebook: { clientId: '1000000000000001', clientSecret: 'sandbox-facebook-secret' },
  instagram: { clientId: '1000000000000002', clientSecret: 'sandbox-instagram-secret' },
  linkedin: { clientId: 'sandboxlinkedin01', clientSecret: 'sandbox-linkedin-secret' },
  tiktok: { clientId: 'sandboxtiktokkey01', clientSecret: 'sandbox-tiktok-secret' },
  x: { clientId: 'c2FuZGJveC14LWNsaWVudA', clientSecret: 'sandbox-x-secret' },
};

export interface WireContext {
  store: SandboxStore;
  client: ClientCredentials;
  /** redirect_uri must equal this exactly. */
  redirectUri: string;
  /** LinkedIn: whether a new sign-in restarts the 365-day consent period. */
  linkedinReconsentRestarts: boolean;
  /** LinkedIn: whether this app gets refresh tokens (LinkedIn gives them to approved partners only). */
  linkedinRefreshTokens: boolean;
}

/** One platform's wire format: what its authorize request looks like and how its hosts answer. */
export interface PlatformWire {
  platform: Platform;
  /** The real authorize path below `/sandbox/{platform}` (the contract's `/oauth/authorize` always works too). */
  realAuthorizePath: RegExp;
  clientIdParam: 'client_id' | 'client_key';
  pkce: boolean;
  /** The code_challenge the authorize page accepts; default RFC 7636 S256 (43 characters of base64url). */
  pkceChallenge?: RegExp;
  /** Scope list separator in the authorize request. */
  scopeSeparator: RegExp;
  codeTtlSeconds: number;
  /** LinkedIn: refresh tokens live this long from the consent. */
  consentPeriodSeconds?: number;
  /** The platform's 503 (API and OAuth endpoints alike during an outage). */
  outage(sub: string): LocalResponse;
  /**
   * While our app is refused (`POST /sandbox/{platform}/app`): the platform's own answer to a call
   * made with the app's credentials or a token issued to it, for that cause; undefined = this path
   * answers as usual.
   */
  appFailure?(sub: string, req: LocalRequest, cause: Exclude<SandboxAppState, 'ok'>): LocalResponse | undefined;
  /** The platform's own control routes (never counted, never down); undefined = not one. */
  control?(sub: string, req: LocalRequest, store: SandboxStore): LocalResponse | undefined;
  /** Every non-authorize, non-control path below `/sandbox/{platform}`. */
  handle(sub: string, req: LocalRequest, ctx: WireContext): LocalResponse | Promise<LocalResponse>;
}
