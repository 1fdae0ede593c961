import { EVENT_TYPES } from '../config/events.js';
import { PLATFORMS, type Platform } from '../config/platforms.js';
import {
  computeNextCheckAt,
  decideCheck,
  expiringDeadline,
  markExpiring,
  recordHealthyCheck,
  recordTransientFailure,
  type Connection,
} from '../domain/connection.js';
import type { PlatformFailure, PlatformResult } from '../ports/platform.js';
import type { CheckOutcome } from '../ports/store.js';
import { blastRadiusTripped, statusOf, type PlatformHealth } from '../domain/platform-status.js';
import { expiringEpisodeId } from '../domain/episode.js';
import type { Deps } from './deps.js';
import { announceExpired } from './announce-expired.js';
import { expireWithReason } from './expire.js';
import { KeyedLimiter } from './keyed-limiter.js';
import { reportIntegrationProblem, reportPlatformWorks } from './platform-status.js';
import { refreshConnectionTokens } from './refresh.js';
import { saveConnection } from './save-connection.js';
import { openTokens, TokenStoreUnavailableError } from './tokens.js';
import { recordHistory } from './history.js';
import { takeCheckTokens } from './rate-budget.js';
import { RunTally } from './run-tally.js';

/** One message on the `expiry-checks` queue: a batch of due connections of one scan run (SCAN.connectionsPerCheckMessage). */
export interface ExpiryCheckMessage {
  runId: string;
  connections: { workspaceId: string; connectionId: string }[];
}

/** A platform looks down when at least this share of at least this many checks in one run fail transiently. */
export const OUTAGE_SHARE = 0.5;
export const OUTAGE_MIN_CHECKS = 3;

type CheckDeps = Pick<Deps, 'store' | 'platforms' | 'cipher' | 'clock' | 'bus' | 'ids' | 'log' | 'metrics'>;

/**
 * Checks in flight per platform in one worker process: a run of any size never hits one platform
 * with more than this x the expiry-checks queue's maximum concurrency calls at once.
 */
export const CHECKS_IN_FLIGHT_PER_PLATFORM = 5;
const platformSlots = new KeyedLimiter<Platform>(CHECKS_IN_FLIGHT_PER_PLATFORM);

/**
 * Platform health as read once for a batch of checks (one queue message, with its connections): the
 * checks of a batch decide from it whether the health needs a write, and read it afresh before
 * writing (a change another worker made meanwhile is acted on by the next message at the latest).
 */
type HealthReads = Map<Platform, Promise<PlatformHealth | undefined>>;

/** What the checks of one queue message share: its reads, its rate-budget tokens, its run counters. */
interface MessageContext {
  runId: string;
  healthReads: HealthReads;
  tally: RunTally;
  /** Rate-budget tokens the message took and its checks have not used yet, per platform. */
  tokens: Map<Platform, number>;
}

/**
 * The checks of one `expiry-checks` message, each as `checkConnection` describes, with the message's
 * requests shared between them: one BatchGetItem reads its connections, the run's counters and the
 * platforms' health; one conditional write per budget window takes the rate-budget tokens of all its
 * checks, every platform's at once; one write adds all their outcomes to the run's counters at the end
 * (the guards decide mid-message on the counters read at the start plus the message's own outcomes:
 * RunTally). A check that throws is a rejected entry; the others still count.
 */
export async function checkMessage(deps: CheckDeps, msg: ExpiryCheckMessage): Promise<PromiseSettledResult<CheckOutcome>[]> {
  const now = deps.clock.now();
  const read = await deps.store.checkReads.read(msg.runId, msg.connections, PLATFORMS);
  const found = read.connections;
  const healthReads: HealthReads = new Map([...read.health].map(([platform, health]) => [platform, Promise.resolve(health)]));
  const ctx: MessageContext = { runId: msg.runId, healthReads, tally: new RunTally(read.counts), tokens: await takeMessageTokens(deps, found, now) };
  const results = await Promise.allSettled(msg.connections.map((ref, i) => checkOne(deps, ctx, ref, found[i])));
  const outcomes = ctx.tally.drain();
  if (Object.keys(outcomes).length > 0) {
    const counts = ctx.tally.counts(await deps.store.scanRuns.addCounts(msg.runId, outcomes));
    // The run's counters with every other message's written outcomes: the outage guard decides again on them.
    const platforms = new Set(found.flatMap((c) => (c ? [c.platform] : [])));
    for (const platform of platforms) if ((counts[`checked:${platform}`] ?? 0) > 0) await updatePlatformHealth(deps, platform, undefined, counts, now, healthReads);
  }
  return results;
}

/**
 * Checks one due connection (a message of one: checkMessage):
 * 1. skips it if it is no longer due (a duplicate message, or checked meanwhile); defers it (still due)
 *    when its platform's rate budget is spent before any platform call;
 * 2. a consent / refresh token past its end expires it (`token_expired`);
 * 3. refreshes where the platform allows, else probes with a harmless authenticated call;
 * 4. a permanent answer expires it with the adapter's reason, unless the platform looks down (outage guard);
 *    a transient answer never does: it is re-checked later with backoff;
 * 5. a deadline within the warning window marks it `expiring` and raises `connection.expiring` once.
 */
export async function checkConnection(deps: CheckDeps, runId: string, ref: { workspaceId: string; connectionId: string }): Promise<CheckOutcome> {
  const [result] = await checkMessage(deps, { runId, connections: [{ workspaceId: ref.workspaceId, connectionId: ref.connectionId }] });
  if (result!.status === 'rejected') throw result!.reason;
  return result!.value;
}

/** A connection the check would act on now (the rest are skipped before any request). */
function dueNow(c: Connection | undefined, now: Date): c is Connection {
  return c !== undefined && (c.status === 'active' || c.status === 'expiring') && c.nextCheckAt !== undefined && Date.parse(c.nextCheckAt) <= now.getTime();
}

/** The tokens the message's due checks will need (those that call their platform), every platform in one write per window. */
async function takeMessageTokens(deps: CheckDeps, found: (Connection | undefined)[], now: Date): Promise<Map<Platform, number>> {
  const wanted = new Map<Platform, number>();
  for (const c of found) {
    if (!dueNow(c, now)) continue;
    const kind = decideCheck(c, now).kind;
    if (kind === 'refresh' || kind === 'probe') wanted.set(c.platform, (wanted.get(c.platform) ?? 0) + 1);
  }
  return takeCheckTokens(deps, wanted, now);
}

async function checkOne(deps: CheckDeps, ctx: MessageContext, ref: { workspaceId: string; connectionId: string }, c: Connection | undefined): Promise<CheckOutcome> {
  deps = { ...deps, log: deps.log.with({ runId: ctx.runId, workspaceId: ref.workspaceId, connectionId: ref.connectionId }) };
  const now = deps.clock.now();
  if (!c || c.status === 'removed') return 'skipped';
  if (c.status === 'expired') {
    if (c.episodeAnnounced === false) await announceExpired(deps, c, now);
    return 'skipped';
  }
  if (!dueNow(c, now)) return 'skipped';

  const outcome = await platformSlots.run(c.platform, () => runCheck(deps, ctx, c, now));
  // Not a check: nothing was asked of the platform, and the connection is still due for the next tick.
  if (outcome === 'deferred') {
    deps.metrics.count('checksDeferred', { platform: c.platform });
    deps.log.debug('check deferred: the platform rate budget of this minute is spent', { platform: c.platform });
    return outcome;
  }
  deps.metrics.count('checks', { platform: c.platform, outcome });
  ctx.tally.add(c.platform, outcome);
  await updatePlatformHealth(deps, c.platform, { connection: c, outcome }, ctx.tally.counts(), now, ctx.healthReads);
  return outcome;
}

/** One of the message's tokens for this platform; false when the message got none left for it. */
function useToken(ctx: MessageContext, platform: Platform): boolean {
  const left = ctx.tokens.get(platform) ?? 0;
  if (left <= 0) return false;
  ctx.tokens.set(platform, left - 1);
  return true;
}

async function runCheck(deps: CheckDeps, ctx: MessageContext, c: Connection, now: Date): Promise<CheckOutcome> {
  const action = decideCheck(c, now);
  // Proven by a publish in the last day: the day's check costs no platform call.
  if (action.kind === 'proven') return (await afterHealthyAnswer(deps, c, now)) ?? 'healthy';
  if (action.kind === 'expire') {
    await expireWithReason(deps, c.workspaceId, c.connectionId, action.reason, undefined);
    return 'expired';
  }
  // Every path below calls the platform: it uses a token of the platform's shared rate budget first.
  if (!useToken(ctx, c.platform)) return 'deferred';
  const tokens = await openTokens(deps.cipher, c).catch((e: unknown) => (e instanceof TokenStoreUnavailableError ? e : Promise.reject(e)));
  if (tokens instanceof TokenStoreUnavailableError) return applyFailure(deps, ctx, c, { kind: 'transient', message: tokens.message }, now, 'token_store');
  if (!tokens) {
    await expireWithReason(deps, c.workspaceId, c.connectionId, 'unknown', 'No stored access');
    return 'expired';
  }
  const adapter = deps.platforms[c.platform];
  if (action.kind === 'refresh') {
    // The check's result goes into the refresh's own write (one write, not two).
    let healthy: HealthyAnswer | undefined;
    const refreshed = await refreshConnectionTokens(deps, c, tokens, (r) => {
      healthy = healthyAnswer(r, now);
      return healthy.connection;
    });
    if (refreshed.kind === 'busy') return 'skipped';
    if (refreshed.kind === 'failed') return applyFailure(deps, ctx, c, refreshed.failure, now);
    deps.metrics.count('refreshes', { platform: c.platform });
    if (healthy?.raised && healthy.deadline) await announceExpiring(deps, refreshed.connection, healthy.deadline, now);
    return refreshed.connection.status === 'expiring' ? 'expiring' : 'refreshed';
  }
  const probed: PlatformResult<void> = await adapter.checkAccess(tokens, c.externalAccountId);
  if (!probed.ok) return applyFailure(deps, ctx, c, probed.failure, now);
  // A successful authenticated call is also the keep-warm "use" for platforms that drop idle grants.
  return (await afterHealthyAnswer(deps, c, now, action.why === 'keep_warm')) ?? 'healthy';
}

interface HealthyAnswer {
  connection: Connection;
  /** Set when the connection turned amber for a new deadline (announce it once). */
  raised: boolean;
  deadline?: string;
}

/** What a healthy answer makes of the stored connection: amber within the warning window, else checked and healthy. */
function healthyAnswer(cur: Connection, now: Date, warmed = false): HealthyAnswer {
  const base = warmed ? { ...cur, lastUsedAt: now.toISOString() } : cur;
  const deadline = expiringDeadline(base, now);
  if (!deadline) return { connection: recordHealthyCheck(base, now), raised: false };
  const m = markExpiring(base, deadline, now);
  return { connection: m.connection, raised: m.raised, deadline };
}

async function afterHealthyAnswer(deps: CheckDeps, c: Connection, now: Date, warmed = false): Promise<CheckOutcome | undefined> {
  let answer: HealthyAnswer | undefined;
  const saved = await saveConnection(deps, c.workspaceId, c.connectionId, (cur) => {
    if (cur.status === 'expired' || cur.status === 'removed') return undefined;
    answer = healthyAnswer(cur, now, warmed);
    return answer.connection;
  }, { known: c });
  if (!saved?.changed) return undefined;
  if (answer?.raised && answer.deadline) await announceExpiring(deps, saved.connection, answer.deadline, now);
  return saved.connection.status === 'expiring' ? 'expiring' : undefined;
}

/** `connection.expiring`, once per deadline (the episode id is derived from it). */
async function announceExpiring(deps: Pick<Deps, 'bus' | 'store'>, x: Connection, deadline: string, now: Date): Promise<void> {
  await recordHistory(deps, x, `expiring#${deadline}`, { at: now.toISOString(), type: 'expiring', deadline });
  await deps.bus.publish([
    {
      type: EVENT_TYPES.expiring,
      detail: { workspaceId: x.workspaceId, connectionId: x.connectionId, platform: x.platform, occurredAt: now.toISOString(), episodeId: expiringEpisodeId(x.connectionId, deadline) },
    },
  ]);
}

async function applyFailure(deps: CheckDeps, ctx: MessageContext, c: Connection, failure: PlatformFailure, now: Date, source: 'platform' | 'token_store' = 'platform'): Promise<CheckOutcome> {
  const health = await deps.store.platformHealth.get(c.platform);
  const status = statusOf(health);
  if (failure.kind === 'integration') await reportIntegrationProblem(deps, c.platform, failure.cause, failure.message, health);
  if (failure.kind === 'expired') {
    // An outage's odd answers say little; an expiry the platform dates itself still holds then.
    const hold = status === 'integration_problem' || (status === 'outage' && failure.reason !== 'token_expired') || (await blastRadius(deps, ctx, c, failure, health));
    if (!hold) {
      const out = await expireWithReason(deps, c.workspaceId, c.connectionId, failure.reason, failure.message, c.tokens?.ciphertext);
      return out?.stale ? 'skipped' : 'expired';
    }
    deps.log.warn('permanent answer held: platform not ok', { platform: c.platform, connectionId: c.connectionId, reason: failure.reason, platformStatusBefore: status });
  }
  if (failure.kind !== 'expired') deps.metrics.count('transientFailures', { platform: c.platform, kind: failure.kind === 'integration' ? 'integration' : source });
  if (source === 'token_store') deps.log.warn('stored tokens could not be opened (our token store): retried later', { platform: c.platform, errorCode: 'TOKEN_STORE_UNAVAILABLE', message: failure.message });
  if (failure.kind === 'transient' && failure.unrecognised) deps.log.warn('unrecognised platform answer, retried later', { platform: c.platform, connectionId: c.connectionId, status: failure.status, message: failure.message });
  // A platform that cannot be reached cannot be kept warm either: once its inactivity limit (or any
  // deadline) comes within the warning window, the owner is warned as after a healthy answer.
  let warnedFor: string | undefined;
  const held = failure.kind === 'expired';
  const saved = await saveConnection(deps, c.workspaceId, c.connectionId, (cur) => {
    if (cur.status === 'expired' || cur.status === 'removed') return undefined;
    const failed = recordTransientFailure(cur, now);
    const next = held ? { ...failed, expiryHeldSince: cur.expiryHeldSince ?? now.toISOString() } : failed;
    const deadline = expiringDeadline(next, now);
    if (!deadline || cur.expiringFor === deadline) return next;
    warnedFor = deadline;
    const warned: Connection = { ...next, status: 'expiring', expiringFor: deadline, episodeId: undefined };
    return { ...warned, nextCheckAt: computeNextCheckAt(warned, now) };
  });
  if (saved?.changed && warnedFor) await announceExpiring(deps, saved.connection, warnedFor, now);
  // One event per failed check (keyed by the version it wrote); the history view collapses a run of them.
  if (saved?.changed && !held) await recordHistory(deps, saved.connection, `check_failed#${saved.connection.version}`, { at: now.toISOString(), type: 'check_failed' });
  return held ? 'held' : 'transient';
}

/** The blast-radius guard (domain/platform-status.ts): this expiry would make one run's share of the same answer implausible. */
async function blastRadius(deps: CheckDeps, ctx: MessageContext, c: Connection, failure: Extract<PlatformFailure, { kind: 'expired' }>, health: PlatformHealth | undefined): Promise<boolean> {
  // Written at once (not with the message's outcomes): concurrent messages must see each permanent answer.
  const counts = ctx.tally.counts(await deps.store.scanRuns.countPermanent(ctx.runId, c.platform, failure.reason));
  const same = counts[`permanent:${c.platform}:${failure.reason}`] ?? 0;
  const checked = counts[`checked:${c.platform}`] ?? 0;
  if (!blastRadiusTripped(same, checked)) return false;
  await reportIntegrationProblem(deps, c.platform, 'blast_radius', `${same} of ${checked + 1} ${c.platform} connections checked in one run answered "${failure.reason}" at once.`, health);
  return true;
}

const ANSWERED: readonly CheckOutcome[] = ['healthy', 'refreshed', 'expiring', 'expired'];

/**
 * After each check: the outage guard (many transient failures of one platform in a run mark it as
 * suspected down), and the end of an integration problem. A healthy answer with our app's
 * credentials ends an app-level problem; a blast-radius hold ends when a connection it held
 * answers healthy again (its re-check, not a blind release).
 */
async function updatePlatformHealth(
  deps: Pick<Deps, 'store' | 'clock' | 'log' | 'metrics'>,
  platform: Platform,
  check: { connection: Connection; outcome: CheckOutcome } | undefined,
  counts: Record<string, number>,
  now: Date,
  healthReads: HealthReads,
): Promise<void> {
  const read = healthReads.get(platform) ?? deps.store.platformHealth.get(platform);
  healthReads.set(platform, read);
  // Most checks change nothing; one that would is decided again on a fresh read (another check may have written since).
  if (!healthChange(platform, check, counts, await read)) return;
  healthReads.delete(platform);
  const current = await deps.store.platformHealth.get(platform);
  const change = healthChange(platform, check, counts, current);
  if (change === 'works') {
    await reportPlatformWorks(deps, platform, current);
  } else if (change) {
    await deps.store.platformHealth.put({ ...current, platform, suspectedOutageSince: change === 'down' ? now.toISOString() : undefined, updatedAt: now.toISOString() });
    if (change === 'down') deps.metrics.count('platformIncidents', { platform, kind: 'outage' });
  }
}

/** `check` undefined: the run's counters alone (the outage guard), as after a message's write. */
function healthChange(platform: Platform, check: { connection: Connection; outcome: CheckOutcome } | undefined, counts: Record<string, number>, current: PlatformHealth | undefined): 'works' | 'down' | 'up' | undefined {
  const n = (k: string) => counts[`${k}:${platform}`] ?? 0;
  const cause = current?.integrationProblem?.cause;
  if (check && cause !== undefined && check.outcome !== 'expired' && ANSWERED.includes(check.outcome) && (cause !== 'blast_radius' || check.connection.expiryHeldSince !== undefined)) return 'works';
  const checked = n('checked');
  const transient = n('transient');
  const answered = ANSWERED.reduce((sum, k) => sum + n(k), 0);
  const wasDown = current?.suspectedOutageSince !== undefined;
  // Suspecting an outage takes a few checks; clearing it takes the platform answering again, however
  // few of its connections are due (else a platform left with fewer than the minimum stays "down").
  if (wasDown ? answered === 0 : checked < OUTAGE_MIN_CHECKS) return undefined;
  const down = transient / checked >= OUTAGE_SHARE;
  if (down === wasDown) return undefined;
  return down ? 'down' : 'up';
}

export async function scanRunSummary(deps: Pick<Deps, 'store'>, runId: string): Promise<{ checked: number; expired: number; expiring: number; refreshed: number; itemsRead: number }> {
  const run = await deps.store.scanRuns.get(runId);
  const n = (k: string) => run?.counts[k] ?? 0;
  return { checked: n('checked'), expired: n('expired'), expiring: n('expiring'), refreshed: n('refreshed'), itemsRead: run?.itemsRead ?? 0 };
}
