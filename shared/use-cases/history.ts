import { NotFoundError } from '../domain/errors.js';
import { timeline, type HistoryEvent } from '../domain/history.js';
import type { Deps } from './deps.js';

/**
 * Records one event of a connection's history under its deterministic key (an episode, a post, a
 * notice, a sign-in): written in the same flow as what it records, and a repeated delivery of that
 * flow writes nothing twice.
 */
export async function recordHistory(deps: Pick<Deps, 'store'>, c: { workspaceId: string; connectionId: string }, key: string, event: HistoryEvent): Promise<void> {
  await deps.store.history.add(c.workspaceId, c.connectionId, key, event);
}

/** The connection's history, oldest first (transient check failures in a row collapsed). Removed connections keep theirs. */
export async function connectionHistory(deps: Pick<Deps, 'store'>, workspaceId: string, connectionId: string): Promise<HistoryEvent[]> {
  const c = await deps.store.connections.get(workspaceId, connectionId);
  if (!c) throw new NotFoundError('This connection');
  return timeline(await deps.store.history.list(workspaceId, connectionId));
}
