import { EVENT_TYPES } from '../config/events.js';
import type { Connection } from '../domain/connection.js';
import { connectionExpiredErrorCode } from '../domain/notifications/error-code.js';
import type { Deps } from './deps.js';
import { recordHistory } from './history.js';
import { saveConnection } from './save-connection.js';

/** How long one announcer holds the episode before another finder may announce it (a crash lets it lapse). */
const ANNOUNCE_LEASE_MS = 60_000;

/**
 * Puts `connection.expired` on the bus for the connection's open episode, once: a conditional lease
 * picks one announcer among racing finders; the flag is set after the put. A crash in between leaves
 * the lease to lapse and the next finder announces (consumers de-duplicate by episodeId).
 */
export async function announceExpired(deps: Pick<Deps, 'store' | 'bus'>, c: Connection, now: Date): Promise<void> {
  if (!c.episodeId) return;
  const episodeId = c.episodeId;
  await recordHistory(deps, c, `expired#${episodeId}`, { at: now.toISOString(), type: 'expired', reason: c.reason ?? 'unknown', errorCode: connectionExpiredErrorCode(c.platform, c.reason), ...(c.platformMessage ? { platformMessage: c.platformMessage } : {}), episodeId });
  const claimed = await saveConnection(deps, c.workspaceId, c.connectionId, (cur) => {
    const free = cur.announceLeaseUntil === undefined || Date.parse(cur.announceLeaseUntil) < now.getTime();
    if (cur.episodeId !== episodeId || cur.episodeAnnounced !== false || !free) return undefined;
    return { ...cur, announceLeaseUntil: new Date(now.getTime() + ANNOUNCE_LEASE_MS).toISOString() };
  });
  if (!claimed?.changed) return;
  const cur = claimed.connection;
  await deps.bus.publish([
    {
      type: EVENT_TYPES.expired,
      detail: { workspaceId: cur.workspaceId, connectionId: cur.connectionId, platform: cur.platform, reason: cur.reason ?? 'unknown', occurredAt: now.toISOString(), episodeId },
    },
  ]);
  await saveConnection(deps, c.workspaceId, c.connectionId, (x) =>
    x.episodeId === episodeId && x.episodeAnnounced === false ? { ...x, episodeAnnounced: true, announceLeaseUntil: undefined, nextCheckAt: undefined } : undefined,
  );
}
