import type { ExpiryReason } from '../config/events.js';
import type { Platform } from '../config/platforms.js';
import { policyFor } from './platform-policy.js';
import { DAILY_SCAN } from '../config/messaging.js';

export type ConnectionStatus = 'active' | 'expiring' | 'expired' | 'removed';
export type Badge = 'green' | 'amber' | 'red';

/** Encrypted token material: opaque to the domain (see ports/token-cipher.ts). */
export interface SealedTokens {
  ciphertext: string;
  iv: string;
  tag: string;
  encryptedDataKey: string;
  keyId: string;
  /** When the data key was generated: it seals again only while young (shared/adapters/token-cipher.ts). */
  dataKeyCreatedAt?: string;
}

export interface Connection {
  workspaceId: string;
  connectionId: string;
  platform: Platform;
  externalAccountId: string;
  displayName: string;
  status: ConnectionStatus;
  reason?: ExpiryReason;
  /** What the platform said, verbatim, when it dropped (shown to users to quote to support). */
  platformMessage?: string;
  accessTokenExpiresAt?: string;
  refreshTokenExpiresAt?: string;
  /** End of the user's consent (LinkedIn: one year from the first grant, not extended by refreshing). */
  consentExpiresAt?: string;
  lastUsedAt?: string;
  /** Last successful publish (recorded at most hourly): proves the access for the day's check. */
  lastPublishedAt?: string;
  /** The platform asked us to slow down for this account (429 with its reset): no publish call before then. */
  publishPausedUntil?: string;
  lastCheckedAt?: string;
  /** When the scan should next look at it; undefined = never (expired, removed). */
  nextCheckAt?: string;
  /** Consecutive transient check failures (outage backoff). */
  transientFailures: number;
  /** A permanent answer was held (platform not `ok`) since then: re-checked, not applied blindly. */
  expiryHeldSince?: string;
  /** The open expiry episode (set while expired) or the last one (after a restore). */
  episodeId?: string;
  /** The current episode's event has been put on the bus (a crash in between is repaired by re-announcing). */
  episodeAnnounced?: boolean;
  /** Whoever holds this lease is announcing the episode (two finders never both announce it). */
  announceLeaseUntil?: string;
  /** An `expiring` warning already raised for this deadline. */
  expiringFor?: string;
  /** Conditional-write guard: every change bumps it. */
  version: number;
  connectedAt: string;
  connectedBy: string;
  removedAt?: string;
  /** A worker holds it until then (refresh lease). */
  leaseUntil?: string;
  tokens?: SealedTokens;
}

export function badgeOf(status: ConnectionStatus): Badge {
  if (status === 'expired' || status === 'removed') return 'red';
  if (status === 'expiring') return 'amber';
  return 'green';
}

const DAY_MS = 86_400_000;
/** How soon a scan looks again at an expiry whose announcement may have been lost (10 minutes). */
const ANNOUNCE_RETRY_DAYS = 10 / (24 * 60);
export function addDays(iso: string | Date, days: number): string {
  const t = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return new Date(t + days * DAY_MS).toISOString();
}
export function daysBetween(fromIso: string, to: Date): number {
  return (to.getTime() - Date.parse(fromIso)) / DAY_MS;
}
function minIso(values: (string | undefined)[]): string | undefined {
  const defined = values.filter((v): v is string => v !== undefined);
  if (defined.length === 0) return undefined;
  return defined.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

/**
 * When the daily scan must look at this connection next: the earliest of its refresh-ahead window,
 * the warning window before its refresh token / consent ends, the keep-warm deadline before the
 * platform's inactivity limit, and the periodic probe. Expired and removed connections are not due
 * (they leave the sparse index); a reconnect puts them back.
 */
export function computeNextCheckAt(c: Connection, now: Date): string | undefined {
  if (c.status === 'removed') return undefined;
  // An episode not yet announced (the announcer died between its write and PutEvents) stays due, so
  // the next scan announces it; once announced, an expired connection waits for its owner.
  if (c.status === 'expired') return c.episodeAnnounced === false ? addDays(now, ANNOUNCE_RETRY_DAYS) : undefined;
  const p = policyFor(c.platform);
  const base = c.lastCheckedAt ?? c.connectedAt;
  // Due again a little under a day later, so the next daily run finds it even when it starts earlier.
  const candidates: (string | undefined)[] = [addDays(base, p.probeEveryDays - DAILY_SCAN.earlyStartHours / 24)];
  // Short-lived tokens (X, TikTok: hours) are refreshed when used, not by the daily scan.
  if (p.canRefresh && p.refreshAheadDays > 0 && c.accessTokenExpiresAt) candidates.push(addDays(c.accessTokenExpiresAt, -p.refreshAheadDays));
  const hardEnd = minIso([c.consentExpiresAt, c.refreshTokenExpiresAt, p.canRefresh ? undefined : c.accessTokenExpiresAt]);
  if (hardEnd) {
    candidates.push(c.status === 'expiring' ? addDays(now, 1) : addDays(hardEnd, -p.warnDaysBefore));
    candidates.push(hardEnd);
  }
  if (p.inactivityLimitDays) candidates.push(addDays(c.lastUsedAt ?? c.connectedAt, p.keepWarmAfterDays));
  const next = minIso(candidates);
  if (c.transientFailures > 0 && next !== undefined) {
    // Outage backoff: 1, 2, 4 ... hours (each up to a quarter later, per connection), capped at a day. The deadlines above are usually already
    // past (that is why it was checked), so the backoff is a floor, not one more candidate.
    const hours = Math.min(24, 2 ** (c.transientFailures - 1) * backoffJitter(c.connectionId, c.transientFailures));
    const backoff = new Date(now.getTime() + hours * 3_600_000).toISOString();
    return Date.parse(next) > Date.parse(backoff) ? next : backoff;
  }
  return next;
}

/**
 * 1.0 to 1.25, fixed per connection and attempt: connections that failed together in an outage
 * come back spread out instead of all at once, and the same inputs always give the same time.
 */
export function backoffJitter(connectionId: string, attempt: number): number {
  let h = 2166136261;
  for (const ch of `${connectionId}#${attempt}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return 1 + (h % 1000) / 4000;
}

/** Why the scan is looking at it: decides between refresh, keep-warm call and probe. */
export type CheckAction =
  | { kind: 'expire'; reason: ExpiryReason }
  | { kind: 'refresh'; why: 'refresh_ahead' | 'keep_warm' | 'probe' }
  | { kind: 'probe'; why: 'keep_warm' | 'probe' }
  /** A publish in the last day already proved the access: recorded as checked, no platform call. */
  | { kind: 'proven' };

/**
 * A successful publish this recent proves the access as well as a check would: about a day, plus
 * the slack the daily runs have (a publish just after yesterday's late run still counts today).
 */
export const PROVEN_BY_PUBLISH_DAYS = 1 + DAILY_SCAN.earlyStartHours / 24;

export function decideCheck(c: Connection, now: Date): CheckAction {
  const p = policyFor(c.platform);
  const hardEnd = minIso([c.consentExpiresAt, c.refreshTokenExpiresAt, p.canRefresh ? undefined : c.accessTokenExpiresAt]);
  if (hardEnd && Date.parse(hardEnd) <= now.getTime()) return { kind: 'expire', reason: 'token_expired' };
  const inRefreshWindow =
    p.canRefresh && p.refreshAheadDays > 0 && c.accessTokenExpiresAt !== undefined && Date.parse(addDays(c.accessTokenExpiresAt, -p.refreshAheadDays)) <= now.getTime();
  const keepWarm = p.inactivityLimitDays !== undefined && daysBetween(c.lastUsedAt ?? c.connectedAt, now) >= p.keepWarmAfterDays;
  if (!inRefreshWindow && !keepWarm && c.lastPublishedAt !== undefined && daysBetween(c.lastPublishedAt, now) < PROVEN_BY_PUBLISH_DAYS) return { kind: 'proven' };
  if (p.canRefresh && (inRefreshWindow || p.refreshToCheck)) {
    return { kind: 'refresh', why: inRefreshWindow ? 'refresh_ahead' : keepWarm ? 'keep_warm' : 'probe' };
  }
  return { kind: 'probe', why: keepWarm ? 'keep_warm' : 'probe' };
}

/**
 * When the platform would drop this connection for sitting unused (its inactivity limit after the
 * last use); undefined where the platform has no such limit. Keep-warm calls push it back.
 */
export function inactivityDeadline(c: Connection): string | undefined {
  const limit = policyFor(c.platform).inactivityLimitDays;
  return limit === undefined ? undefined : addDays(c.lastUsedAt ?? c.connectedAt, limit);
}

/** Why a connection turned amber: its access / consent ends, or it nears the platform's inactivity limit. */
/**
 * `yearly_consent`: LinkedIn's refresh token ends a year after the first consent; `access_ends`:
 * any other hard end (LinkedIn without a partner refresh token: the 60-day access token).
 */
export type ExpiringCause = 'access_ends' | 'yearly_consent' | 'inactivity';

export function expiringCauseOf(c: Connection, deadline: string): ExpiringCause {
  if (deadline === inactivityDeadline(c)) return 'inactivity';
  return c.platform === 'linkedin' && c.refreshTokenExpiresAt !== undefined ? 'yearly_consent' : 'access_ends';
}

/**
 * A working connection that will drop soon unless the owner acts: its consent / refresh token /
 * unrefreshable token ends, or it nears the platform's inactivity limit (keep-warm calls have not
 * been able to use it), within the warning window. Returns the earliest such deadline or undefined.
 */
export function expiringDeadline(c: Connection, now: Date): string | undefined {
  const p = policyFor(c.platform);
  const hardEnd = minIso([c.consentExpiresAt, c.refreshTokenExpiresAt, p.canRefresh ? undefined : c.accessTokenExpiresAt]);
  const within = (deadline: string | undefined) => {
    if (!deadline) return undefined;
    const ms = Date.parse(deadline) - now.getTime();
    return ms > 0 && ms <= p.warnDaysBefore * DAY_MS ? deadline : undefined;
  };
  return minIso([within(hardEnd), within(inactivityDeadline(c))]);
}

/**
 * What the owner should see now, even before the scan has looked: a deadline that has passed is
 * already red (token_expired), one inside the warning window already amber. The stored status is
 * brought in line by the next check.
 */
export function currentView(c: Connection, now: Date): Pick<Connection, 'status' | 'reason' | 'expiringFor'> {
  if (c.status !== 'active' && c.status !== 'expiring') return c;
  if (decideCheck(c, now).kind === 'expire') return { status: 'expired', reason: 'token_expired' };
  const deadline = expiringDeadline(c, now);
  if (deadline) return { status: 'expiring', expiringFor: deadline };
  return c;
}

export interface ExpireDecision {
  connection: Connection;
  /** True when this call opened the episode (and so must announce it). */
  opened: boolean;
}

/** Opens an expiry episode; a connection already expired keeps its episode (one event per episode). */
export function expireConnection(
  c: Connection,
  reason: ExpiryReason,
  platformMessage: string | undefined,
  newEpisodeId: string,
  now: Date,
): ExpireDecision {
  if (c.status === 'expired' || c.status === 'removed') return { connection: c, opened: false };
  const next: Connection = {
    ...c,
    status: 'expired',
    reason,
    platformMessage,
    episodeId: newEpisodeId,
    episodeAnnounced: false,
    lastCheckedAt: now.toISOString(),
    transientFailures: 0,
    leaseUntil: undefined,
  };
  return { connection: { ...next, nextCheckAt: computeNextCheckAt(next, now) }, opened: true };
}

export function markExpiring(c: Connection, deadline: string, now: Date): { connection: Connection; raised: boolean } {
  if (c.status !== 'active' && c.status !== 'expiring') return { connection: c, raised: false };
  const raised = c.expiringFor !== deadline;
  const next: Connection = {
    ...c,
    status: 'expiring',
    expiringFor: deadline,
    episodeId: raised ? undefined : c.episodeId,
    lastCheckedAt: now.toISOString(),
    transientFailures: 0,
  };
  return { connection: { ...next, nextCheckAt: computeNextCheckAt(next, now) }, raised };
}

export function recordHealthyCheck(c: Connection, now: Date): Connection {
  const next: Connection = {
    ...c,
    status: c.status === 'expiring' && !expiringDeadline(c, now) ? 'active' : c.status,
    lastCheckedAt: now.toISOString(),
    transientFailures: 0,
    expiryHeldSince: undefined,
    leaseUntil: undefined,
  };
  return { ...next, nextCheckAt: computeNextCheckAt(next, now) };
}

export function recordTransientFailure(c: Connection, now: Date): Connection {
  const next: Connection = { ...c, transientFailures: c.transientFailures + 1, leaseUntil: undefined };
  return { ...next, nextCheckAt: computeNextCheckAt(next, now) };
}

export interface TokenLifetimes {
  accessTokenExpiresAt?: string;
  refreshTokenExpiresAt?: string;
  consentExpiresAt?: string;
}

/**
 * Reconnect under the same account: new tokens, active, the episode closed (its id is kept for the
 * event). undefined for a removed connection: removal is final, a sign-in that finishes after it
 * changes nothing.
 */
export function restoreConnection(c: Connection, tokens: SealedTokens, lifetimes: TokenLifetimes, displayName: string, now: Date): Connection | undefined {
  if (c.status === 'removed') return undefined;
  const next: Connection = {
    ...c,
    ...lifetimes,
    displayName,
    tokens,
    status: 'active',
    reason: undefined,
    platformMessage: undefined,
    expiringFor: undefined,
    lastCheckedAt: now.toISOString(),
    lastUsedAt: now.toISOString(),
    transientFailures: 0,
    leaseUntil: undefined,
  };
  return { ...next, nextCheckAt: computeNextCheckAt(next, now) };
}

/** Reconnect refused because the account lost its admin role: stays (or becomes) expired with that reason. */
export function requireAdminRole(c: Connection, newEpisodeId: string, now: Date): ExpireDecision {
  if (c.status === 'expired') {
    if (c.reason === 'admin_role_lost') return { connection: c, opened: false };
    // The earlier reason's platform words no longer describe why it is down.
    return { connection: { ...c, reason: 'admin_role_lost', platformMessage: undefined }, opened: false };
  }
  return expireConnection(c, 'admin_role_lost', undefined, newEpisodeId, now);
}
