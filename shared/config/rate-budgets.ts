import type { Platform } from './platforms.js';

/**
 * What the expiry checks of one platform may spend, across every worker, so that the daily checks
 * never run into the platform's app-level limits (read on 2026-11-30). A check takes one token of its
 * platform's minute (and, where set, of its UTC day) before any platform call; a check without a
 * token stays due and the next hourly tick offers it again, so a day's checks spread over the hours
 * instead of bursting at one. The token buckets are DynamoDB items with a conditional counter
 * (shared/adapters/aws/due-index.ts). Checks proven by a recent publish make no call and take no token.
 */
export interface RateBudget {
  /** The documented app-level limit the budget stays under, in the platform's words. */
  documented: string;
  source: string;
  /** Platform calls one check makes (README: platforms table). */
  callsPerCheck: number;
  /** Checks per UTC minute, all workers together. */
  checksPerMinute: number;
  /** Checks per UTC day (platforms with a daily application limit). */
  checksPerDay?: number;
}

export const RATE_BUDGETS: Record<Platform, RateBudget> = {
  facebook: {
    documented:
      'Platform Rate Limit (app or user token): calls within one hour = 200 x number of users (daily active); Pages API with a Page token: Business Use Case limit, calls within 24 hours = 4,800 x engaged users, per Page.',
    source: 'https://developers.facebook.com/docs/graph-api/overview/rate-limiting/',
    callsPerCheck: 2,
    // The check reads the Page with its Page token: counted against that Page's BUC quota (2 calls a
    // day of its 4,800 x engaged users), not an app-wide one; the cap keeps our own load smooth.
    checksPerMinute: 5_000,
  },
  instagram: {
    documented: 'Instagram Platform: Business Use Case limit, calls within 24 hours = 4,800 x impressions, per professional account; app-level Platform Rate Limit as for Facebook.',
    source: 'https://developers.facebook.com/docs/graph-api/overview/rate-limiting/',
    callsPerCheck: 1,
    checksPerMinute: 5_000,
  },
  linkedin: {
    documented:
      'Application limit: total calls the app may make in a day, per endpoint, reset at midnight UTC; the figures are not published (Developer Portal > app > Analytics). 429 when exceeded.',
    source: 'https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits',
    callsPerCheck: 2,
    // Set from the app's Analytics tab (calls per day of /v2/me and /rest/organizationAcls, halved for publishing and connects).
    checksPerMinute: 100,
    checksPerDay: 100_000,
  },
  tiktok: {
    documented: 'Per app and endpoint, one-minute sliding window: /v2/user/info/ 600 requests (default; more on request). 429 rate_limit_exceeded.',
    source: 'https://developers.tiktok.com/doc/tiktok-api-v2-rate-limit',
    callsPerCheck: 1,
    // Half the documented minute: connects and publishes (creator_info) use the same app.
    checksPerMinute: 300,
  },
  x: {
    documented:
      'Per endpoint and 15-minute window, per user with user tokens (GET /2/users/me: 75 per user) and per app with app-only tokens; some endpoints also have 24-hour app caps (x-app-limit-24hour-* headers).',
    source: 'https://docs.x.com/fundamentals/rate-limits',
    callsPerCheck: 1,
    // One call per account a day is far under the per-user window; the app-wide cap smooths the token endpoint's load.
    checksPerMinute: 1_000,
  },
};

/** Checks per second all platforms' budgets allow together: the peak the due index must absorb. */
export const PEAK_CHECKS_PER_SECOND = Object.values(RATE_BUDGETS).reduce((sum, b) => sum + b.checksPerMinute, 0) / 60;

/** The bucket windows of an instant: its UTC minute and its UTC day. */
export function budgetWindows(now: Date): { minute: string; day: string } {
  const iso = now.toISOString();
  return { minute: iso.slice(0, 16), day: iso.slice(0, 10) };
}
