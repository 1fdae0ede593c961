import type { Platform } from '../config/platforms.js';
import { RATE_BUDGETS, budgetWindows } from '../config/rate-budgets.js';
import type { Deps } from './deps.js';

/** Bucket items outlive their window by a day (TTL), long enough for any late worker to count in it. */
const BUCKET_TTL_SECONDS = 2 * 86_400;

/**
 * Up to `wanted` tokens of each platform's budget (shared/config/rate-budgets.ts), every platform in
 * one write per window: this UTC minute's, then this UTC day's for the platforms that limit days. A
 * queue message asks for all its checks at once; fewer than wanted (absent: none) and the checks
 * without one wait for a later tick (the connections stay due). A minute token whose day token was
 * refused is spent unused, as one check's was before.
 */
export async function takeCheckTokens(deps: Pick<Deps, 'store'>, wanted: ReadonlyMap<Platform, number>, now: Date): Promise<Map<Platform, number>> {
  const windows = budgetWindows(now);
  const ttl = Math.floor(now.getTime() / 1000) + BUCKET_TTL_SECONDS;
  const asked = [...wanted].filter(([, n]) => n > 0);
  if (asked.length === 0) return new Map();
  const minute = await deps.store.rateBudgets.takeUpTo(`minute#${windows.minute}`, asked.map(([platform, n]) => ({ platform, limit: RATE_BUDGETS[platform].checksPerMinute, wanted: n })), ttl);
  const daily = [...minute].flatMap(([platform, n]) => {
    const limit = RATE_BUDGETS[platform].checksPerDay;
    return limit === undefined ? [] : [{ platform, limit, wanted: n }];
  });
  if (daily.length === 0) return minute;
  const day = await deps.store.rateBudgets.takeUpTo(`day#${windows.day}`, daily, ttl);
  return new Map([...minute].flatMap(([platform, n]) => {
    const granted = RATE_BUDGETS[platform].checksPerDay === undefined ? n : (day.get(platform) ?? 0);
    return granted > 0 ? [[platform, granted] as const] : [];
  }));
}

/** One check's token: false when the budget is spent. */
export async function takeCheckToken(deps: Pick<Deps, 'store'>, platform: Platform, now: Date): Promise<boolean> {
  return ((await takeCheckTokens(deps, new Map([[platform, 1]]), now)).get(platform) ?? 0) === 1;
}
