import { isTooLateToRetry, type Post } from './post.js';

/**
 * What happens, after a restore, to a post that is more than `afterHours` past its time
 * (contract: `PUT /workspaces/{ws}/settings` `{stalePosts}`): published anyway (`retry`, the
 * default, as the help page promises), kept for the owner to decide (`hold`), or dropped (`skip`).
 */
export const STALE_POST_POLICIES = ['retry', 'hold', 'skip'] as const;
export type StalePostPolicy = (typeof STALE_POST_POLICIES)[number];

export interface StalePostsSetting {
  policy: StalePostPolicy;
  afterHours: number;
}

/** When the owner names a policy without a threshold: a day late. */
export const DEFAULT_STALE_AFTER_HOURS = 24;

export type LateRetryDecision = { action: 'publish' } | { action: 'hold'; message: string } | { action: 'skip'; message: string };

export const SKIPPED_TOO_LATE = 'SKIPPED_TOO_LATE';
/** lastError.code of a `held` post: says why it waits for the owner. */
export const HELD_TOO_LATE = 'HELD_TOO_LATE';

function hoursLate(p: Pick<Post, 'publishAt'>, now: Date): number {
  return (now.getTime() - Date.parse(p.publishAt)) / 3_600_000;
}

/**
 * The decision for a retry after a restore. The older option `skipRetriesOlderThanHours` keeps
 * working and wins when both apply (it is the stricter, explicit "never post this late").
 */
export function lateRetryDecision(p: Pick<Post, 'publishAt'>, setting: { skipRetriesOlderThanHours?: number; stalePosts?: StalePostsSetting }, now: Date): LateRetryDecision {
  const late = hoursLate(p, now);
  const legacy = setting.skipRetriesOlderThanHours;
  if (legacy !== undefined && isTooLateToRetry(p, legacy, now)) {
    return { action: 'skip', message: `Not retried: it was due more than ${legacy} hours ago (workspace setting).` };
  }
  const stale = setting.stalePosts;
  if (!stale || stale.policy === 'retry' || late <= stale.afterHours) return { action: 'publish' };
  if (stale.policy === 'hold') {
    return { action: 'hold', message: `Held for you: it was due more than ${stale.afterHours} hours ago. Publish it now or delete it from the post list.` };
  }
  return { action: 'skip', message: `Not published: it was due more than ${stale.afterHours} hours ago (workspace setting for late posts).` };
}
