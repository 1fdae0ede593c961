import { PLATFORM_LABELS, type Platform } from '../config/platforms.js';

/**
 * Whether Flamel can work with a platform at all, for every account alike:
 * - `outage`: the platform answers 5xx / times out for most checks (it will come back by itself);
 * - `integration_problem`: the platform refuses Flamel's app itself (a permission pulled at App
 *   Review, a retired API version, an app-level limit), or one run saw so many connections of it
 *   lose access at once that the cause is more likely ours than theirs (the blast-radius guard).
 * While a platform is not `ok` no connection of it expires, no owner is emailed, and posts due on
 * it wait until it is `ok` again.
 */
export type PlatformStatus = 'ok' | 'outage' | 'integration_problem';

export type IncidentCause = 'permission_revoked' | 'version_retired' | 'app_rate_limited' | 'app_invalid' | 'blast_radius';

export interface PlatformHealth {
  platform: Platform;
  /** The last scan run saw most checks of this platform fail transiently. */
  suspectedOutageSince?: string;
  /** The platform refuses our app (or the blast-radius guard tripped) since then. */
  integrationProblem?: { since: string; cause: IncidentCause; message: string };
  updatedAt: string;
}

export function statusOf(h: PlatformHealth | undefined): PlatformStatus {
  if (h?.integrationProblem) return 'integration_problem';
  if (h?.suspectedOutageSince) return 'outage';
  return 'ok';
}

/**
 * The blast-radius guard. A platform's connections drop a few at a time (a password change here, a
 * lost role there): well under 1% of them a day, for varied reasons. When one run sees the same
 * permanent answer (same reason) on at least `minExpiries` connections that are also at least
 * `share` of what it checked on that platform, the cause is almost certainly one thing on our side
 * or the platform's (a forced logout, an app setting), not that many owners at once: the rest are
 * held and re-checked, and operators are alarmed. Up to `minExpiries - 1` of one reason do expire: a
 * real cluster that size (one agency's Pages, one admin removed) is normal.
 */
export const BLAST_RADIUS = { minExpiries: 10, share: 0.3 } as const;

/** `sameReasonSoFar` includes this answer; `checkedSoFar` counts the run's checks of the platform before it. */
export function blastRadiusTripped(sameReasonSoFar: number, checkedSoFar: number): boolean {
  const checked = Math.max(checkedSoFar + 1, sameReasonSoFar);
  return sameReasonSoFar >= BLAST_RADIUS.minExpiries && sameReasonSoFar / checked >= BLAST_RADIUS.share;
}

/** The one wording of "the platform may be down", with what to do next when there is something. */
export function mayBeDown(label: string, then?: string): string {
  return `${label} may be having an outage: check its status page${then ? `, then ${then}` : ''}.`;
}

/** What owners see, once per platform, while it is not `ok`. */
export function platformStatusMessage(platform: Platform, status: Exclude<PlatformStatus, 'ok'>): string {
  const label = PLATFORM_LABELS[platform];
  return status === 'integration_problem'
    ? `Publishing to ${label} is paused on our side; nothing to do. Your posts wait and go out once it is fixed, and no account needs reconnecting for it.`
    : `${mayBeDown(label)} Flamel keeps retrying and does not mark accounts expired for it.`;
}
