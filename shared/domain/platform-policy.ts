import type { Platform } from '../config/platforms.js';

/**
 * How each platform's access ages, and so when the scan looks at a connection. Lifetimes of the
 * tokens themselves always come from the platform's own `expires_in` answers; these are the
 * windows around them.
 */
export interface PlatformPolicy {
  /** The platform issues refresh tokens (or an equivalent extension call). */
  canRefresh: boolean;
  /** A refresh is the cheapest trustworthy check (no introspection endpoint). */
  refreshToCheck: boolean;
  /** Refresh this many days before the access token ends. */
  refreshAheadDays: number;
  /**
   * Look at a healthy connection at least this often. Daily: the help page promises a daily scan,
   * and the contract lets a connection checked today wait only until the next day.
   */
  probeEveryDays: number;
  /** Warn (`expiring`) this many days before a deadline the user must act on. */
  warnDaysBefore: number;
  /** The platform drops grants unused for this long (undefined: it does not). */
  inactivityLimitDays?: number;
  /** Make a harmless authenticated call after this many idle days. */
  keepWarmAfterDays: number;
  /** PKCE (S256) on the authorize request. */
  usesPkce: boolean;
  /**
   * What a person administers to post here, as the platform names it: a connection is a Page (or
   * Company Page) with an admin role, which a person can lose while the account lives on. Undefined:
   * one signs in as the account itself, and there is no role to lose (TikTok, X).
   */
  administeredAs?: 'Page' | 'Company Page';
}

export const PLATFORM_POLICIES: Record<Platform, PlatformPolicy> = {
  // Long-lived user token ~60 days; Page tokens derived from it do not expire. Graph drops apps a
  // user has not engaged with in 90 days (OAuthException 190/493).
  facebook: { canRefresh: false, refreshToCheck: false, refreshAheadDays: 0, probeEveryDays: 1, warnDaysBefore: 14, inactivityLimitDays: 90, keepWarmAfterDays: 30, usesPkce: false, administeredAs: 'Page' },
  // Instagram Login: long-lived 60-day token extended by refresh_access_token.
  instagram: { canRefresh: true, refreshToCheck: false, refreshAheadDays: 10, probeEveryDays: 1, warnDaysBefore: 14, inactivityLimitDays: 90, keepWarmAfterDays: 30, usesPkce: false, administeredAs: 'Page' },
  // Access 60 days; refresh token (approved partners only) 365 days from the first consent, not
  // extended: yearly re-consent. Without one the 60 days are the end (complete-oauth sets it as the
  // consent's end, so nothing is refreshed). LinkedIn is the strictest on inactivity (60 to 90 days).
  linkedin: { canRefresh: true, refreshToCheck: false, refreshAheadDays: 7, probeEveryDays: 1, warnDaysBefore: 14, inactivityLimitDays: 60, keepWarmAfterDays: 30, usesPkce: false, administeredAs: 'Company Page' },
  // Short access tokens, rotating refresh tokens with their own expires_in.
  tiktok: { canRefresh: true, refreshToCheck: true, refreshAheadDays: 0, probeEveryDays: 1, warnDaysBefore: 14, keepWarmAfterDays: 30, usesPkce: true },
  // Access 2 hours; offline.access refresh tokens, rotated on use.
  x: { canRefresh: true, refreshToCheck: true, refreshAheadDays: 0, probeEveryDays: 1, warnDaysBefore: 14, keepWarmAfterDays: 30, usesPkce: true },
};

export function policyFor(platform: Platform): PlatformPolicy {
  return PLATFORM_POLICIES[platform];
}

/** "Page" or "Company Page" where the platform has an admin role to hold; undefined where it has none. */
export function administeredAs(platform: Platform | undefined): PlatformPolicy['administeredAs'] {
  return platform === undefined ? undefined : PLATFORM_POLICIES[platform].administeredAs;
}
