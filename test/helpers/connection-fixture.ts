import { computeNextCheckAt, type Connection } from '../../shared/domain/connection.js';

/** An active connection checked at `now`, due when the domain says; `over` changes any field. */
export function aConnection(id: string, now: Date, over: Partial<Connection> = {}): Connection {
  const base: Connection = {
    workspaceId: 'ws-1',
    connectionId: id,
    platform: 'facebook',
    externalAccountId: `page-${id}`,
    displayName: `Page ${id}`,
    status: 'active',
    transientFailures: 0,
    version: 1,
    connectedAt: now.toISOString(),
    connectedBy: 'u1',
    lastCheckedAt: now.toISOString(),
    ...over,
  };
  return { ...base, nextCheckAt: over.nextCheckAt ?? computeNextCheckAt(base, now) };
}
