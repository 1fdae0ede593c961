import type { ConnectionEventDetail } from '../config/events.js';
import type { Deps } from './deps.js';
import type { PublishMessage } from './posts.js';

/**
 * After a restore (or a fresh connection of a removed account), pages through the connection's
 * failed posts by the sparse failed-posts index and enqueues each on `publish`, ten per
 * SendMessageBatch call. The publisher de-duplicates by post + episode, so running this twice for
 * one event publishes nothing twice.
 */
export async function enqueueFailedPostRetries(deps: Pick<Deps, 'store' | 'queues' | 'metrics'>, detail: ConnectionEventDetail): Promise<{ enqueued: number }> {
  const connection = await deps.store.connections.get(detail.workspaceId, detail.connectionId);
  // Dropped again before this ran: the posts keep waiting for the next restore.
  if (!connection || connection.status === 'expired' || connection.status === 'removed') return { enqueued: 0 };
  let enqueued = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.posts.listFailedByConnection(detail.connectionId, cursor, 500);
    const messages: PublishMessage[] = page.items.map((p) => ({ ...p, attemptKey: detail.episodeId, retry: true }));
    if (messages.length > 0) await deps.queues.sendBatch('publish', messages);
    if (messages.length > 0) deps.metrics.count('retriesPublished', { platform: connection.platform }, messages.length);
    enqueued += messages.length;
    cursor = page.cursor;
  } while (cursor);
  return { enqueued };
}
