import type { Platform } from '../../config/platforms.js';
import type { Clock } from '../../ports/misc.js';

/** Meta Graph API version used on both Facebook and Instagram hosts. */
export const GRAPH_VERSION = 'v23.0';
/**
 * LinkedIn's versioned REST API (`LinkedIn-Version: YYYYMM`) and the day LinkedIn retires it (then
 * every /rest call answers 426 NONEXISTENT_VERSION). Versions live about a year; the sunset date
 * is LinkedIn's own, from https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations
 * (202607: "July 15, 2027"). A unit test fails 60 days before it: move to a newer version then.
 */
export const LINKEDIN_API_VERSION = { version: '202607', sunsetsOn: '2027-07-15' } as const;

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface FacebookEndpoints {
  /** https://www.facebook.com/v23.0/dialog/oauth */
  authorizeUrl: string;
  /** https://graph.facebook.com/v23.0 (version included) */
  graphUrl: string;
}

export interface InstagramEndpoints {
  /** https://www.instagram.com/oauth/authorize */
  authorizeUrl: string;
  /** https://api.instagram.com (code exchange: `/oauth/access_token`) */
  oauthUrl: string;
  /** https://graph.instagram.com (unversioned `/access_token`, `/refresh_access_token`; versioned API under `/{graphVersion}`) */
  graphUrl: string;
  graphVersion: string;
}

export interface LinkedInEndpoints {
  /** https://www.linkedin.com/oauth/v2/authorization */
  authorizeUrl: string;
  /** https://www.linkedin.com/oauth/v2 (`/accessToken`, `/introspectToken`) */
  oauthUrl: string;
  /** https://api.linkedin.com (`/v2/me`, `/rest/...`) */
  apiUrl: string;
  /** `LinkedIn-Version` header, YYYYMM. */
  apiVersion: string;
}

export interface TikTokEndpoints {
  /** https://www.tiktok.com/v2/auth/authorize/ */
  authorizeUrl: string;
  /** https://open.tiktokapis.com (`/v2/oauth/token/`, `/v2/user/info/`, `/v2/post/publish/...`) */
  apiUrl: string;
}

export interface XEndpoints {
  /** https://x.com/i/oauth2/authorize */
  authorizeUrl: string;
  /** https://api.x.com (`/2/oauth2/token`, `/2/users/me`, `/2/tweets`) */
  apiUrl: string;
}

export interface PlatformEndpoints {
  facebook: FacebookEndpoints;
  instagram: InstagramEndpoints;
  linkedin: LinkedInEndpoints;
  tiktok: TikTokEndpoints;
  x: XEndpoints;
}

/** A bounded wait: at most `attempts` checks, `intervalMs` apart. */
export interface PollSchedule {
  attempts: number;
  intervalMs: number;
}

export interface RegistryOptions {
  /** Where `now` comes from for every token lifetime. Default: system time. */
  clock?: Clock;
  /** Per HTTP call. Default 8000 ms. */
  timeoutMs?: number;
  /** TikTok publish status polling (bounded). Default 6 polls, 1500 ms apart. */
  tiktokPoll?: PollSchedule;
  /** Instagram media container status polling before media_publish (bounded). Default 6 polls, 2000 ms apart. */
  instagramPoll?: PollSchedule;
}

/** Per platform: the app's client id/secret (TikTok: client_key) and the hosts it talks to. */
export type PlatformsConfig = { [P in Platform]: ClientCredentials & PlatformEndpoints[P] } & RegistryOptions;

/** Joins credentials (from Secrets Manager / local env) with a set of endpoints (real or sandbox). */
export function platformsConfig(
  credentials: Record<Platform, ClientCredentials>,
  endpoints: PlatformEndpoints,
  options: RegistryOptions = {},
): PlatformsConfig {
  return {
    facebook: { ...credentials.facebook, ...endpoints.facebook },
    instagram: { ...credentials.instagram, ...endpoints.instagram },
    linkedin: { ...credentials.linkedin, ...endpoints.linkedin },
    tiktok: { ...credentials.tiktok, ...endpoints.tiktok },
    x: { ...credentials.x, ...endpoints.x },
    ...options,
  };
}

/** The real hosts. */
export function realPlatformEndpoints(): PlatformEndpoints {
  return {
    facebook: { authorizeUrl: `https://www.facebook.com/${GRAPH_VERSION}/dialog/oauth`, graphUrl: `https://graph.facebook.com/${GRAPH_VERSION}` },
    instagram: {
      authorizeUrl: 'https://www.instagram.com/oauth/authorize',
      oauthUrl: 'https://api.instagram.com',
      graphUrl: 'https://graph.instagram.com',
      graphVersion: GRAPH_VERSION,
    },
    linkedin: {
      authorizeUrl: 'https://www.linkedin.com/oauth/v2/authorization',
      oauthUrl: 'https://www.linkedin.com/oauth/v2',
      apiUrl: 'https://api.linkedin.com',
      apiVersion: LINKEDIN_API_VERSION.version,
    },
    tiktok: { authorizeUrl: 'https://www.tiktok.com/v2/auth/authorize/', apiUrl: 'https://open.tiktokapis.com' },
    x: { authorizeUrl: 'https://x.com/i/oauth2/authorize', apiUrl: 'https://api.x.com' },
  };
}

/**
 * The local sandbox (local/sandbox): every host of a platform maps to `${baseUrl}/sandbox/{platform}`
 * and keeps its real paths below it, so the adapters run unchanged. The authorize page is the
 * contract's `/sandbox/{platform}/oauth/authorize`.
 */
export function sandboxPlatformEndpoints(baseUrl: string): PlatformEndpoints {
  const root = (p: Platform): string => `${baseUrl.replace(/\/+$/, '')}/sandbox/${p}`;
  return {
    facebook: { authorizeUrl: `${root('facebook')}/oauth/authorize`, graphUrl: `${root('facebook')}/${GRAPH_VERSION}` },
    instagram: {
      authorizeUrl: `${root('instagram')}/oauth/authorize`,
      oauthUrl: root('instagram'),
      graphUrl: root('instagram'),
      graphVersion: GRAPH_VERSION,
    },
    linkedin: {
      authorizeUrl: `${root('linkedin')}/oauth/authorize`,
      oauthUrl: `${root('linkedin')}/oauth/v2`,
      apiUrl: root('linkedin'),
      apiVersion: LINKEDIN_API_VERSION.version,
    },
    tiktok: { authorizeUrl: `${root('tiktok')}/oauth/authorize`, apiUrl: root('tiktok') },
    x: { authorizeUrl: `${root('x')}/oauth/authorize`, apiUrl: root('x') },
  };
}
