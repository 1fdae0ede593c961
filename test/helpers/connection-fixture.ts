import { addDays, computeNextCheckAt, type Connection } from '../../shared/domain/connection.js';

/** A connection as stored, nothing computed from it; `over` changes any field. */
function stored(id: string, now: Date, over: Partial<Connection>): Connection {
  return {
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
}

/** An active connection checked at `now`, due when the domain says; `over` changes any field. */
export function aConnection(id: string, now: Date, over: Partial<Connection> = {}): Connection {
  const base = stored(id, now, over);
  return { ...base, nextCheckAt: over.nextCheckAt ?? computeNextCheckAt(base, now) };
}

/**
 * An active LinkedIn Company Page connection, checked and used at `now`, with LinkedIn's lifetimes
 * (access 60 days, refresh token and consent 365). Nothing computed: for the domain rules' own tests.
 */
export function aLinkedInConnection(id: string, now: Date, over: Partial<Connection> = {}): Connection {
  return stored(id, now, {
    platform: 'linkedin',
    externalAccountId: `org-${id}`,
    displayName: `Org ${id}`,
    lastUsedAt: now.toISOString(),
    accessTokenExpiresAt: addDays(now, 60),
    refreshTokenExpiresAt: addDays(now, 365),
    consentExpiresAt: addDays(now, 365),
    ...over,
  });
}
