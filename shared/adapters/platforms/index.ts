import type { Clock } from '../../ports/misc.js';
import type { PlatformRegistry } from '../../ports/platform.js';
import type { PlatformsConfig } from './config.js';
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
