import { isPlatform, PLATFORM_LABELS, PLATFORMS, type Platform } from '../../shared/config/platforms.js';
import { platformsConfig, sandboxPlatformEndpoints, type ClientCredentials, type PlatformsConfig, type RegistryOptions } from '../../shared/adapters/platforms/config.js';
import type { Clock } from '../../shared/ports/misc.js';
import type { LocalRequest, LocalResponse, LocalRoute } from '../http-types.js';
import { controlRoute } from './accounts.js';
import { authorize, errorPage } from './authorize-page.js';
import { facebookWire } from './facebook.js';
import { instagramWire } from './instagram.js';
import { linkedinWire } from './linkedin.js';
import { SandboxStore, type SandboxPost, type SandboxSnapshot } from './store.js';
import { tiktokWire } from './tiktok.js';
import { SANDBOX_CLIENTS, type PlatformWire, type WireContext } from './wire.js';
import { xWire } from './x.js';

export { SANDBOX_CLIENTS } from './wire.js';
export type { SandboxSnapshot } from './store.js';

/**
 * In-memory stand-in for all five platforms, mounted under `/sandbox/{platform}/...`. Each platform
 * speaks its own wire format (see the file per platform), so the real adapters run against it via
 * `sandboxPlatformEndpoints(baseUrl)` with `SANDBOX_CLIENTS` as credentials. Time (token and code
 * lifetimes, inactivity) is read from the injected clock.
 */
export interface SandboxOptions {
  clock: Clock;
  /** e.g. http://127.0.0.1:3000; redirect_uri must equal `${callbackBaseUrl}/oauth/${platform}/callback`. */
  callbackBaseUrl: string;
  /** App credentials the sandbox accepts. Default SANDBOX_CLIENTS. */
  clients?: Record<Platform, ClientCredentials>;
  /**
   * LinkedIn: a new sign-in (consent) starts a new 365-day refresh period (default true, so
   * "reconnect before the year ends" works). false = the period runs from the first consent of
   * that account to this app until it ends, whatever the sign-ins in between.
   */
  linkedinReconsentRestarts?: boolean;
  /** LinkedIn: the app gets refresh tokens (default true); false = access tokens only, as for most apps. */
  linkedinRefreshTokens?: boolean;
  /** Start from this snapshot (a restart with a data folder). */
  restore?: SandboxSnapshot;
}

export interface SandboxPlatformState {
  down: boolean;
  requests: number;
  tokensIssued: number;
  accounts: { externalAccountId: string; name: string; isAdmin: boolean; lastRevokeReason?: string }[];
  posts: SandboxPost[];
}

export interface Sandbox {
  route: LocalRoute;
  state(): Record<Platform, SandboxPlatformState>;
  /** Wire requests (OAuth, API, authorize page) received for the platform; control routes are not counted. */
  requestCount(platform: Platform): number;
  resetRequestCounts(): void;
  /** Everything the sandbox remembers, to be given back with `restore` after a restart. */
  snapshot(): SandboxSnapshot;
  /** Counts requests that may have changed what it remembers (control and wire routes). */
  changes(): number;
}

const WIRES: Record<Platform, PlatformWire> = { facebook: facebookWire, instagram: instagramWire, linkedin: linkedinWire, tiktok: tiktokWire, x: xWire };

export function createSandbox(opts: SandboxOptions): Sandbox {
  const store = new SandboxStore(opts.clock);
  if (opts.restore) store.restore(opts.restore);
  let changes = 0;
  const clients = opts.clients ?? SANDBOX_CLIENTS;
  const callbackBase = opts.callbackBaseUrl.replace(/\/+$/, '');
  const contextFor = (platform: Platform): WireContext => ({
    store,
    client: clients[platform],
    redirectUri: `${callbackBase}/oauth/${platform}/callback`,
    linkedinReconsentRestarts: opts.linkedinReconsentRestarts ?? true,
    linkedinRefreshTokens: opts.linkedinRefreshTokens ?? true,
  });

  const route: LocalRoute = async (req: LocalRequest): Promise<LocalResponse | undefined> => {
    const m = /^\/sandbox\/([^/]+)(\/.*)?$/.exec(req.path);
    if (!m?.[1] || !isPlatform(m[1])) return undefined;
    const platform = m[1];
    changes += 1;
    const sub = (m[2] ?? '/').replace(/\/+$/, '') || '/';
    const wire = WIRES[platform];
    const control = controlRoute(platform, sub, req, store) ?? wire.control?.(sub, req, store);
    if (control) return control;

    store.countRequest(platform);
    const isAuthorize = req.method === 'GET' && (sub === '/oauth/authorize' || wire.realAuthorizePath.test(sub));
    if (store.isDown(platform)) {
      return isAuthorize ? errorPage(PLATFORM_LABELS[platform], 503, 'The service is temporarily unavailable. Please try again later.') : wire.outage(sub);
    }
    if (isAuthorize) return authorize(wire, req, contextFor(platform));
    const app = store.appState(platform);
    if (app !== 'ok') {
      const refused = wire.appFailure?.(sub, req, app);
      if (refused) return refused;
    }
    return wire.handle(sub, req, contextFor(platform));
  };

  return {
    route,
    requestCount: (platform) => store.requestCount(platform),
    resetRequestCounts: () => store.resetRequestCounts(),
    snapshot: () => store.snapshot(),
    changes: () => changes,
    state: () =>
      Object.fromEntries(
        PLATFORMS.map((p) => [
          p,
          {
            down: store.isDown(p),
            requests: store.requestCount(p),
            tokensIssued: store.tokenCount(p),
            accounts: store.listAccounts(p).map((a) => ({
              externalAccountId: a.externalAccountId,
              name: a.name,
              isAdmin: a.isAdmin,
              ...(a.revokeReason ? { lastRevokeReason: a.revokeReason } : {}),
            })),
            posts: store.listPosts(p),
          },
        ]),
      ) as Record<Platform, SandboxPlatformState>,
  };
}

/** The registry configuration that talks to a sandbox served at `baseUrl`. */
export function sandboxPlatformsConfig(baseUrl: string, options: RegistryOptions & { clients?: Record<Platform, ClientCredentials> } = {}): PlatformsConfig {
  const { clients, ...rest } = options;
  return platformsConfig(clients ?? SANDBOX_CLIENTS, sandboxPlatformEndpoints(baseUrl), rest);
}
