import { RECONCILE } from '../config/messaging.js';
import { DUE_SHARDS } from '../config/table.js';
import type { Connection } from '../domain/connection.js';
import { VersionConflictError } from '../domain/errors.js';
import type { ReconcileEntry, ReconcilePosition } from '../ports/store.js';
import type { Deps } from './deps.js';
import type { PublishMessage } from './posts.js';

export interface ReconcileSummary {
  /** Index entries read (the whole cost of a run: no Scan). */
  entriesRead: number;
  /** Failed posts of working connections put back on `publish`. */
  reenqueued: number;
  /** Posts whose publisher vanished mid-claim, put back to `scheduled` for publish-due. */
  released: number;
  alertsResolved: number;
}

type ReconcileDeps = Pick<Deps, 'store' | 'queues' | 'clock' | 'log'>;
/** Pages start small (a connection still down is skipped after its first entries) and grow while there is work. */
const FIRST_PAGE = 10;
const MAX_PAGE = 100;

/**
 * Finds what a lost message strands (a process killed during a restore's retries, a retry message
 * that ended in a DLQ) and does what its handler would have done:
 * - a failed post of an active (or expiring) connection goes back on `publish` with the restore's own
 *   message (post + the episode it failed in), so the publisher's idempotency key and its conditional
 *   claim make it publish once, however many runs or restores send it;
 * - a post left `publishing` by a publisher that died goes back to `scheduled` (what the publisher
 *   does itself with an attempt that cannot finish), where publish-due picks it up;
 * - open expiry / failed-post alerts of a connection that works again are resolved, as the restore's
 *   alerts worker would have.
 * It reads the sparse reconcile index, one connection's entries together, and skips the rest of a
 * connection that is still down. Work that changed within RECONCILE.settleMinutes is left to whoever
 * is doing it (a restore in progress).
 */
export async function reconcileStrandedWork(deps: ReconcileDeps): Promise<ReconcileSummary> {
  const now = deps.clock.now();
  const settledBefore = now.getTime() - RECONCILE.settleMinutes * 60_000;
  const settled = (iso: string | undefined) => iso !== undefined && Date.parse(iso) <= settledBefore;
  const summary: ReconcileSummary = { entriesRead: 0, reenqueued: 0, released: 0, alertsResolved: 0 };
  const connections = new Map<string, Promise<Connection | undefined>>();
  const connectionOf = (e: ReconcileEntry) => {
    const key = `${e.workspaceId}#${e.connectionId}`;
    if (!connections.has(key)) connections.set(key, deps.store.connections.get(e.workspaceId, e.connectionId));
    return connections.get(key)!;
  };
  const works = (c: Connection | undefined): c is Connection => c !== undefined && (c.status === 'active' || c.status === 'expiring');

  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    let after: ReconcilePosition | undefined;
    let limit = FIRST_PAGE;
    for (;;) {
      const page = await deps.store.reconcile.list(shard, after, limit);
      summary.entriesRead += page.length;
      if (page.length === 0) break;
      const retries: PublishMessage[] = [];
      let skipTo: ReconcilePosition | undefined;
      for (const entry of page) {
        after = entry;
        if (entry.section === 'claims') {
          // Whatever the connection: the publisher decides again once the post is `scheduled`.
          summary.released += await releaseLapsedClaim(deps, entry, settled);
          continue;
        }
        // Read after the entry: an entry written by a new episode finds the connection already down.
        const connection = await connectionOf(entry);
        if (!works(connection) || !settled(connection.lastCheckedAt ?? connection.connectedAt)) {
          // Down (its work waits for the reconnect) or just reconnected / checked (a restore may be
          // under way): skip this section of the connection, or its failed posts altogether.
          skipTo = entry.section === 'alerts' ? { ...entry, id: undefined } : { workspaceId: entry.workspaceId, connectionId: entry.connectionId };
          break;
        }
        if (entry.section === 'alerts') summary.alertsResolved += await resolveIfStillWorking(deps, entry, now);
        else {
          const retry = await retryMessageOf(deps, entry, connection, settled);
          if (retry) retries.push(retry);
        }
      }
      if (retries.length > 0) await deps.queues.sendBatch('publish', retries);
      summary.reenqueued += retries.length;
      if (skipTo) {
        after = skipTo;
        limit = FIRST_PAGE;
      } else if (page.length < limit) break;
      else limit = Math.min(MAX_PAGE, limit * 2);
    }
  }
  if (summary.reenqueued + summary.released + summary.alertsResolved > 0) deps.log.warn('reconciliation repaired stranded work', { ...summary });
  return summary;
}

/** The restore's fan-out message for a failed post that still waits (see fan-out-retries.ts). */
async function retryMessageOf(
  deps: ReconcileDeps,
  entry: ReconcileEntry,
  connection: Connection,
  settled: (iso: string | undefined) => boolean,
): Promise<PublishMessage | undefined> {
  const post = await deps.store.posts.get(entry.workspaceId, entry.id);
  if (!post || post.status !== 'failed' || post.connectionId !== connection.connectionId || !settled(post.failedAt ?? post.publishAt)) return undefined;
  // The episode it failed in is the one the restore closed; a post failed on a removed connection
  // was re-linked by a fresh connect, whose fan-out uses `connected-<connectionId>`.
  return { workspaceId: post.workspaceId, postId: post.postId, attemptKey: post.failedEpisodeId ?? `connected-${post.connectionId}`, retry: true };
}

/** A claim whose holder vanished long ago: back to `scheduled`, conditional on nobody having touched it since. */
async function releaseLapsedClaim(deps: ReconcileDeps, entry: ReconcileEntry, settled: (iso: string | undefined) => boolean): Promise<number> {
  const post = await deps.store.posts.get(entry.workspaceId, entry.id);
  if (!post || post.status !== 'publishing' || !settled(post.claimUntil)) return 0;
  try {
    await deps.store.posts.transition({ ...post, status: 'scheduled', claimUntil: undefined }, ['publishing'], post.version);
    return 1;
  } catch (error) {
    if (error instanceof VersionConflictError) return 0;
    throw error;
  }
}

/** Re-reads the connection right before resolving, so an episode opened meanwhile keeps its alert. */
async function resolveIfStillWorking(deps: ReconcileDeps, entry: ReconcileEntry, now: Date): Promise<number> {
  const fresh = await deps.store.connections.get(entry.workspaceId, entry.connectionId);
  if (!fresh || (fresh.status !== 'active' && fresh.status !== 'expiring')) return 0;
  return (await deps.store.reconcile.resolveAlert(entry.workspaceId, entry.id, now.toISOString())) ? 1 : 0;
}
