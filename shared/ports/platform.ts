import type { ExpiryReason } from '../config/events.js';
import type { Platform, TikTokPrivacyLevel } from '../config/platforms.js';

/** Token material as the platform issued it (plaintext: only ever held in memory, sealed at rest). */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** A token scoped to the account that publishes (Facebook / Instagram-via-Facebook Page token). */
  accountToken?: string;
  /** From the answer's `expires_in`; undefined = does not expire on its own. */
  accessTokenExpiresAt?: string;
  /** From `refresh_expires_in` / `refresh_token_expires_in`. */
  refreshTokenExpiresAt?: string;
  scopes?: string[];
}

/** Which account signed in, and whether it may publish for it. */
export interface PlatformIdentity {
  /** The account Flamel publishes as: Page id (Facebook), IG professional account id, organization URN id (LinkedIn), open_id (TikTok), user id (X). */
  externalAccountId: string;
  displayName: string;
  /** May publish: a Page task CREATE_CONTENT, MANAGE or MODERATE (Facebook), the publishing permission (Instagram), ADMINISTRATOR of the Company Page (LinkedIn); always true for TikTok and X. */
  isAdmin: boolean;
  /** Page token (Facebook) for publishing, when the platform issues one per account. */
  accountToken?: string;
}

/** A platform's answer that is not success, as the adapter classified it. */
export type PlatformFailure =
  /**
   * Access is gone until the user reconnects. `refreshAndRetry`: the platform refused the access
   * token in a way a refresh may cure (X's bare 401 once the 2-hour token aged, TikTok's
   * access_token_invalid, whose doc says "refresh and retry"): a caller that can refresh does so once, saves the rotated tokens and
   * retries; only a refused refresh (or a second refusal) makes this an expiry.
   */
  | { kind: 'expired'; reason: ExpiryReason; message: string; status?: number; refreshAndRetry?: boolean }
  /**
   * Outage, timeout, 5xx, 429: try later; never a reason to expire a connection. `unrecognised`: an
   * answer the adapter has never seen documented (logged by the use case, retried with backoff).
   */
  | { kind: 'transient'; message: string; status?: number; retryAfterSeconds?: number; unrecognised?: boolean }
  /**
   * This request is refused for what it is (duplicate content, bad media): do not retry it. `code`: a
   * stable error code for the post's lastError when a generic PLATFORM_REJECTED would hide the fix
   * (e.g. TIKTOK_PRIVACY_NOT_OFFERED).
   */
  | { kind: 'rejected'; message: string; status?: number; code?: string }
  /**
   * The platform refuses our app itself, for every account alike (a permission removed from the app
   * at review, a retired API version, an app-level limit): our integration's problem, never the
   * owner's. Nothing expires and no owner is told to reconnect; operators are.
   */
  | { kind: 'integration'; cause: IntegrationCause; message: string; status?: number; retryAfterSeconds?: number };

/** Why the platform refuses the app (not the account). */
export type IntegrationCause = 'permission_revoked' | 'version_retired' | 'app_rate_limited' | 'app_invalid';

export type PlatformResult<T> = { ok: true; value: T } | { ok: false; failure: PlatformFailure };

/** A raw platform answer, as classifyError reads it. `status` 0 = no answer (network error, timeout). */
export interface PlatformResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface AuthorizeRequest {
  state: string;
  redirectUri: string;
  /** S256 challenge, when the adapter uses PKCE. */
  codeChallenge?: string;
}

export interface PublishRequest {
  externalAccountId: string;
  text: string;
  mediaUrl?: string;
  /** TikTok: the owner's chosen audience, checked against the creator's current options. */
  tiktok?: { privacyLevel: TikTokPrivacyLevel };
}

export interface PlatformAdapter {
  readonly platform: Platform;
  readonly usesPkce: boolean;
  readonly canRefresh: boolean;
  buildAuthorizeUrl(req: AuthorizeRequest): string;
  /** Exchanges the callback's code for tokens (long-lived where the platform has them). */
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier?: string }): Promise<PlatformResult<TokenSet>>;
  /** A new token set. A refresh answer without a refresh token keeps the old one (never erased). */
  refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>>;
  /**
   * The signed-in account and its admin role. `expectedExternalAccountId` (on reconnect) selects
   * that account among several the user manages (Facebook Pages, LinkedIn organizations).
   */
  identify(tokens: TokenSet, expectedExternalAccountId?: string): Promise<PlatformResult<PlatformIdentity>>;
  /** Is this access still good for publishing as this account? A cheap, harmless authenticated call. */
  checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>>;
  publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>>;
  /** Reads a platform answer: expiry with a reason, transient, or rejected. Pure. */
  classifyError(response: PlatformResponse): PlatformFailure;
}

export type PlatformRegistry = Record<Platform, PlatformAdapter>;
