import type { ExpiryReason } from '../config/events.js';
import { expireConnection, type Connection } from '../domain/connection.js';
import type { Deps } from './deps.js';
import { announceExpired } from './announce-expired.js';
import { saveConnection } from './save-connection.js';

/**
 * Marks a connection expired with a reason, conditional on its version. Whoever opens the episode
 * (the scan or a publish failure, whichever writes first) announces it; the loser re-reads, finds it
 * already expired and adds nothing: exactly one `connection.expired` per episode. A failure seen
 * with tokens that were replaced meanwhile (a reconnect won the race) expires nothing. A crash between
 * the write and the announcement is repaired by the next caller (episodeAnnounced is false).
 */
export async function expireWithReason(
  deps: Pick<Deps, 'store' | 'bus' | 'ids' | 'clock' | 'metrics'>,
  workspaceId: string,
  connectionId: string,
  reason: ExpiryReason,
  platformMessage: string | undefined,
  /** The sealed tokens the failing call used: if they were replaced meanwhile (reconnect, refresh), the failure is stale. */
  observedTokens?: string,
  /**
   * Runs once the episode is open and before `connection.expired` goes out, so what it records
   * (the publisher's failed post) is in the alert and the owners' email.
   */
  beforeAnnounce?: (expired: Connection) => Promise<void>,
): Promise<{ connection: Connection; opened: boolean; stale?: boolean } | undefined> {
  const now = deps.clock.now();
  const episodeId = deps.ids.newId();
  let stale = false;
  const outcome = await saveConnection(deps, workspaceId, connectionId, (c) => {
    stale = observedTokens !== undefined && c.tokens?.ciphertext !== observedTokens;
    if (stale) return undefined;
    const d = expireConnection(c, reason, platformMessage?.slice(0, 500), episodeId, now);
    return d.opened ? d.connection : undefined;
  });
  if (!outcome) return undefined;
  if (stale) return { connection: outcome.connection, opened: false, stale: true };
  const c = outcome.connection;
  if (outcome.changed && c.status === 'expired') deps.metrics.count('expiries', { platform: c.platform, reason: c.reason ?? 'unknown' });
  if (c.status === 'expired' && c.episodeAnnounced === false) {
    await beforeAnnounce?.(c);
    await announceExpired(deps, c, now);
  }
  return { connection: c, opened: outcome.changed };
}
