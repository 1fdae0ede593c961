/**
 * A connection's history: what happened to it, in order, kept at least 90 days so support can find
 * an episode from the code a person quotes (docs/support.md). Each event has a deterministic key
 * (its episode, post, notice or sign-in), so an at-least-once delivery records nothing twice.
 */
export const HISTORY_TTL_DAYS = 180;

export type HistoryEvent =
  | { at: string; type: 'connected' }
  | { at: string; type: 'check_failed'; count?: number; until?: string }
  | { at: string; type: 'expiring'; deadline: string }
  | { at: string; type: 'expired'; reason: string; errorCode: string; platformMessage?: string; episodeId: string }
  | { at: string; type: 'email_sent'; to: string; kind: string }
  | { at: string; type: 'reconnect_failed'; code: string; viaLink?: boolean }
  | { at: string; type: 'restored'; episodeId: string }
  | { at: string; type: 'post_retried'; postId: string; status: string }
  | { at: string; type: 'link_created'; by: string; expiresAt: string; emailedTo?: string }
  | { at: string; type: 'link_used' }
  | { at: string; type: 'links_revoked'; by: string };

export type HistoryType = HistoryEvent['type'];

export function historyTtlEpochSeconds(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + HISTORY_TTL_DAYS * 86_400;
}

/**
 * Oldest first; a run of transient check failures with nothing between them is one event (its
 * first time, `count`, and `until` the last one): a flaky week is one line, not seven.
 */
export function timeline(events: readonly HistoryEvent[]): HistoryEvent[] {
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const out: HistoryEvent[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (e.type === 'check_failed' && last?.type === 'check_failed') {
      out[out.length - 1] = { ...last, count: (last.count ?? 1) + (e.count ?? 1), until: e.until ?? e.at };
      continue;
    }
    out.push(e);
  }
  return out;
}
