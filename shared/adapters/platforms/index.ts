import { PLATFORMS, type Platform } from '../../config/platforms.js';
import type { Clock } from '../../ports/misc.js';
import type { PlatformAdapter, PlatformRegistry } from '../../ports/platform.js';
import type { ClientCredentials, PlatformEndpoints, PlatformsConfig, RegistryOptions } from './config.js';
import { FacebookAdapter } from './facebook.js';
import { DEFAULT_TIMEOUT_MS, type HttpDeps } from './http.js';
import { InstagramAdapter } from './instagram.js';
import { LinkedInAdapter } from './linkedin.js';
import { TikTokAdapter } from './tiktok.js';
import { XAdapter } from './x.js';

export {
  GRAPH_VERSION,
  LINKEDIN_API_VERSION,
  platformsConfig,
  realPlatformEndpoints,
  sandboxPlatformEndpoints,
  type ClientCredentials,
  type PlatformEndpoints,
  type PlatformsConfig,
  type RegistryOptions,
} from './config.js';
export { createPkcePair, s256Challenge, type PkcePair } from './pkce.js';
export { GRAPH_POLICY_UPDATE_SUBCODE } from './graph-errors.js';

const systemClock: Clock = { now: () => new Date() };

/** One adapter per platform, all sharing the HTTP timeout and the clock token lifetimes are read on. */
export function createPlatformRegistry(config: PlatformsConfig, fetchImpl: typeof fetch = fetch): PlatformRegistry {
  const clock = config.clock ?? systemClock;
  const http: HttpDeps = { fetchImpl, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  return {
    facebook: new FacebookAdapter(config.facebook, http, clock),
    instagram: new InstagramAdapter(config.instagram, http, clock, config.instagramPoll),
    linkedin: new LinkedInAdapter(config.linkedin, http, clock),
    tiktok: new TikTokAdapter(config.tiktok, http, clock, config.tiktokPoll ?? { attempts: 6, intervalMs: 1500 }),
    x: new XAdapter(config.x, http, clock),
  };
}

/**
 * Whether a platform's `publish` may read the app credentials: Facebook reads an unclear permission
 * refusal with the app token (debug_token, /permissions); the others publish with the account's
 * tokens alone. test/unit/platforms/lazy-registry.test.ts runs every publish path to hold this.
 */
export const PUBLISH_READS_APP_CREDENTIALS: Readonly<Record<Platform, boolean>> = { facebook: true, instagram: false, linkedin: false, tiktok: false, x: false };

/** An adapter read the app credentials before they were loaded: a method missing from the lazy registry's list. */
export class AppCredentialsNotLoadedError extends Error {
  override readonly name = 'AppCredentialsNotLoadedError';
  readonly code = 'APP_CREDENTIALS_NOT_LOADED';
}

/**
 * The registry of `createPlatformRegistry`, reading the app credentials only when a call needs them:
 * every OAuth call (exchange, refresh, identify, checkAccess) and the publishes of
 * PUBLISH_READS_APP_CREDENTIALS load them first through `credentials` (the caller caches it), so a
 * cold publish with a fresh token never reads the secret. The sync `buildAuthorizeUrl` needs them
 * already loaded: a function that builds sign-in links uses the eager registry.
 */
export function createLazyPlatformRegistry(
  credentials: () => Promise<Record<Platform, ClientCredentials>>,
  endpoints: PlatformEndpoints,
  options: RegistryOptions = {},
  fetchImpl: typeof fetch = fetch,
): PlatformRegistry {
  let loaded: Record<Platform, ClientCredentials> | undefined;
  const load = async () => {
    loaded = await credentials();
  };
  const lazyCredentials = (platform: Platform): ClientCredentials => {
    const current = (): ClientCredentials => {
      if (!loaded) throw new AppCredentialsNotLoadedError(`${platform}: the app credentials were read before they were loaded`);
      return loaded[platform];
    };
    return {
      get clientId() {
        return current().clientId;
      },
      get clientSecret() {
        return current().clientSecret;
      },
    };
  };
  // Not platformsConfig: its spread would read the getters now.
  const config = { ...options } as PlatformsConfig;
  for (const platform of PLATFORMS) {
    const c = lazyCredentials(platform);
    Object.assign(config, { [platform]: Object.defineProperties({ ...endpoints[platform] }, Object.getOwnPropertyDescriptors(c)) });
  }
  const eager = createPlatformRegistry(config, fetchImpl);
  const lazy = (adapter: PlatformAdapter): PlatformAdapter => ({
    platform: adapter.platform,
    usesPkce: adapter.usesPkce,
    canRefresh: adapter.canRefresh,
    buildAuthorizeUrl: (req) => adapter.buildAuthorizeUrl(req),
    classifyError: (response) => adapter.classifyError(response),
    exchangeCode: async (input) => (await load(), adapter.exchangeCode(input)),
    refresh: async (tokens) => (await load(), adapter.refresh(tokens)),
    identify: async (tokens, expected) => (await load(), adapter.identify(tokens, expected)),
    checkAccess: async (tokens, account) => (await load(), adapter.checkAccess(tokens, account)),
    publish: async (tokens, req) => {
      if (PUBLISH_READS_APP_CREDENTIALS[adapter.platform]) await load();
      return adapter.publish(tokens, req);
    },
  });
  return { facebook: lazy(eager.facebook), instagram: lazy(eager.instagram), linkedin: lazy(eager.linkedin), tiktok: lazy(eager.tiktok), x: lazy(eager.x) };
}
