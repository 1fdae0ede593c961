import type { Platform } from '../config/platforms.js';
import { RATE_BUDGETS, budgetWindows } from '../config/rate-budgets.js';
import type { Deps } from './deps.js';

/** Bucket items outlive their window by a day (TTL), long enough for any late worker to count in it. */
const BUCKET_TTL_SECONDS = 2 * 86_400;

/**
 * One check's token of its platform's budget (shared/config/rate-budgets.ts): this UTC minute's, and
 * this UTC day's where the platform limits days. False: the budget is spent and the check waits for a
 * later tick (the connection stays due).
 */
export async function takeCheckToken(deps: Pick<Deps, 'store'>, platform: Platform, now: Date): Promise<boolean> {
  const budget = RATE_BUDGETS[platform];
  const windows = budgetWindows(now);
  const ttl = Math.floor(now.getTime() / 1000) + BUCKET_TTL_SECONDS;
  if (!(await deps.store.rateBudgets.take(platform, `minute#${windows.minute}`, budget.checksPerMinute, ttl))) return false;
  return budget.checksPerDay === undefined || deps.store.rateBudgets.take(platform, `day#${windows.day}`, budget.checksPerDay, ttl);
}
