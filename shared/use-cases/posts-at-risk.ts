import type { Connection } from '../domain/connection.js';
import type { ScheduledRef } from '../ports/owner-store.js';
import type { Deps } from './deps.js';

/** How far ahead "at risk" looks (contract: the scheduled posts of the next 7 days). */
export const AT_RISK_DAYS = 7;
/** One Query per connection reads at most this many keys; a larger count shows as this number. */
export const AT_RISK_READ_LIMIT = 100;

export interface PostsAtRisk {
  count: number;
  nextPublishAt?: string;
  /** The earliest ones (keys only), for the expiry email. */
  next: ScheduledRef[];
}

/**
 * The scheduled posts of the next 7 days that will not go out unless the owner acts: all of them
 * for an expired connection, those after the deadline for an expiring one; undefined for others.
 */
export async function postsAtRiskOf(deps: Pick<Deps, 'store'>, c: Pick<Connection, 'connectionId' | 'status'> & { expiringFor?: string }, now: Date): Promise<PostsAtRisk | undefined> {
  if (c.status !== 'expired' && c.status !== 'expiring') return undefined;
  const until = new Date(now.getTime() + AT_RISK_DAYS * 86_400_000).toISOString();
  let from = now.toISOString();
  if (c.status === 'expiring') {
    if (!c.expiringFor) return { count: 0, next: [] };
    if (c.expiringFor > from) from = c.expiringFor;
    if (from >= until) return { count: 0, next: [] };
  }
  const page = await deps.store.owners.scheduledByConnection(c.connectionId, from, until, AT_RISK_READ_LIMIT);
  const first = page.items[0];
  return { count: page.items.length, ...(first ? { nextPublishAt: first.publishAt } : {}), next: page.items };
}
