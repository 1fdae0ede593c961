/**
 * The episode of a `connection.expiring` warning: named by the connection and the deadline it warns
 * of, so a warning is announced once per deadline and a restore before it closes that same episode.
 * (Expiry episodes are random ids, chosen when the episode opens.)
 */
export function expiringEpisodeId(connectionId: string, deadline: string): string {
  return `expiring-${connectionId}-${deadline}`;
}
