import type { Platform } from '../config/platforms.js';
import { RATE_BUDGETS, budgetWindows } from '../config/rate-budgets.js';
import type { Deps } from './deps.js';

/** Bucket items outlive their window by a day (TTL), long enough for any late worker to count in it. */
const BUCKET_TTL_SECONDS = 2 * 86_400;

/**
 * Up to `wanted` tokens of the platform's budget (shared/config/rate-budgets.ts) in one write per
 * window: this UTC minute's, and this UTC day's where the platform limits days. A queue message asks
 * for all its checks at once; fewer than wanted (0: spent) and the checks without one wait for a
 * later tick (the connections stay due). A minute token whose day token was refused is spent unused,
 * as one check's was before.
 */
export async function takeCheckTokens(deps: Pick<Deps, 'store'>, platform: Platform, now: Date, wanted: number): Promise<number> {
  if (wanted <= 0) return 0;
  const budget = RATE_BUDGETS[platform];
  const windows = budgetWindows(now);
  const ttl = Math.floor(now.getTime() / 1000) + BUCKET_TTL_SECONDS;
  const minute = await deps.store.rateBudgets.takeUpTo(platform, `minute#${windows.minute}`, budget.checksPerMinute, wanted, ttl);
  if (minute === 0 || budget.checksPerDay === undefined) return minute;
  return deps.store.rateBudgets.takeUpTo(platform, `day#${windows.day}`, budget.checksPerDay, minute, ttl);
}

/** One check's token: false when the budget is spent. */
export async function takeCheckToken(deps: Pick<Deps, 'store'>, platform: Platform, now: Date): Promise<boolean> {
  return (await takeCheckTokens(deps, platform, now, 1)) === 1;
}
