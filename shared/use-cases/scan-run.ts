import { SCAN } from '../config/messaging.js';
import { DUE_CONNECTIONS } from '../config/table.js';
import type { Deps } from './deps.js';
import type { ExpiryCheckMessage } from './scan.js';

/** One message on `scan-segments`: read one segment of the due index for one run, from `cursor` on. */
export interface ScanSegmentMessage {
  runId: string;
  /** Entries due at or before this instant (the tick's): the same for every segment and step of a run. */
  until: string;
  segment: number;
  /** 0 for the coordinator's message; each hand-off adds one. */
  step: number;
  cursor?: string;
  /** Entries this segment read in the run's earlier steps. */
  readBefore: number;
}

/** The shape of a run: the due layout (table.ts) and the budgets (messaging.ts). Tests pass smaller ones. */
export interface ScanPlan {
  /** Partitions read: DUE_CONNECTIONS.readShards. */
  readShards: number;
  /** Partitions written: a read beyond them is a straggler of a former, larger layout. */
  shards: number;
  itemsPerInvocation: number;
  invocationMs: number;
  itemsPerSegmentPerTick: number;
  connectionsPerCheckMessage: number;
}
export const SCAN_PLAN: ScanPlan = { readShards: DUE_CONNECTIONS.readShards, shards: DUE_CONNECTIONS.shards, ...SCAN };

/** Claims outlive a run by a week (the run's stats do too); a crashed holder's lease lapses within the function's timeout. */
const CLAIM_TTL_SECONDS = 7 * 86_400;
const RUN_LEASE_MS = 60_000;
const SEGMENT_LEASE_MS = 90_000;
/** Stop reading this long before the invocation's end, to send the checks and the hand-off. */
const SEND_MARGIN_MS = 5_000;

type CoordinatorDeps = Pick<Deps, 'store' | 'queues' | 'clock' | 'ids' | 'metrics' | 'log'>;

/**
 * The scan's coordinator (one tick): claims the run, records it, and sends one message per segment of
 * the due index to `scan-segments`. It reads nothing itself, so its time does not grow with the
 * connections. A tick from the Scheduler names its run after its scheduled hour: a retried or doubled
 * invocation of the same tick finds the run claimed and does nothing. Without one (`POST /local/scan`,
 * tests) every call is a run of its own.
 */
export async function startScanRun(deps: CoordinatorDeps, opts: { scheduledAt?: string; plan?: ScanPlan } = {}): Promise<{ runId: string; segments: number; started: boolean }> {
  const plan = opts.plan ?? SCAN_PLAN;
  const now = deps.clock.now();
  const scheduled = opts.scheduledAt !== undefined && !Number.isNaN(Date.parse(opts.scheduledAt)) ? new Date(opts.scheduledAt) : undefined;
  const runId = scheduled ? `tick-${scheduled.toISOString().slice(0, 13)}` : `${now.toISOString().slice(0, 10)}-${deps.ids.newId()}`;
  const claimKey = `run#${runId}`;
  const claimed = await deps.store.scanClaims.claim(claimKey, now.toISOString(), new Date(now.getTime() + RUN_LEASE_MS).toISOString(), epoch(now) + CLAIM_TTL_SECONDS);
  if (claimed !== 'claimed') {
    deps.log.info('scan tick already started', { runId, claim: claimed });
    return { runId, segments: 0, started: false };
  }
  await deps.store.scanRuns.start(runId, now.toISOString(), epoch(now) + CLAIM_TTL_SECONDS);
  // A late tick (Scheduler retries) still reads up to now; a doubled one is stopped by the claim above.
  const until = now.toISOString();
  const messages: ScanSegmentMessage[] = Array.from({ length: plan.readShards }, (_, segment) => ({ runId, until, segment, step: 0, readBefore: 0 }));
  await deps.queues.sendBatch('scanSegments', messages);
  await deps.store.scanClaims.finish(claimKey, now.toISOString());
  deps.metrics.count('scanRunsEnqueued', {});
  return { runId, segments: messages.length, started: true };
}

export interface SegmentResult {
  /** Due entries read by this invocation (at most plan.itemsPerInvocation). */
  itemsRead: number;
  handedOn: boolean;
  /** Not read: this step was done (or is being done) by another delivery. */
  duplicate: boolean;
  /** Entries read from a partition beyond DUE_CONNECTIONS.shards (a former layout still draining). */
  stragglers: number;
}

/**
 * One step of one segment: claims it (a second delivery of the same step does nothing), reads due
 * entries page by page until the invocation's item budget or time runs out, hands them to the
 * expiry-check workers, and sends the cursor on as the segment's next step. The segment stops for this
 * tick at plan.itemsPerSegmentPerTick: what it leaves is still due, and the next tick reads it.
 */
export async function readScanSegment(
  deps: Pick<Deps, 'store' | 'queues' | 'clock' | 'log'>,
  msg: ScanSegmentMessage,
  opts: { plan?: ScanPlan; remainingMs?: () => number } = {},
): Promise<SegmentResult> {
  const plan = opts.plan ?? SCAN_PLAN;
  const started = Date.now();
  const remaining = () => Math.min(plan.invocationMs - (Date.now() - started), opts.remainingMs?.() ?? Number.POSITIVE_INFINITY);
  const now = deps.clock.now();
  const claimKey = `seg#${msg.runId}#${msg.segment}#${msg.step}`;
  const claimed = await deps.store.scanClaims.claim(claimKey, now.toISOString(), new Date(now.getTime() + SEGMENT_LEASE_MS).toISOString(), epoch(now) + CLAIM_TTL_SECONDS);
  if (claimed !== 'claimed') return { itemsRead: 0, handedOn: false, duplicate: true, stragglers: 0 };

  const budget = Math.min(plan.itemsPerInvocation, plan.itemsPerSegmentPerTick - msg.readBefore);
  let cursor = msg.cursor;
  let read = 0;
  while (read < budget) {
    const page = await deps.store.connections.queryDue(msg.segment, msg.until, cursor, budget - read);
    read += page.items.length;
    const checks: ExpiryCheckMessage[] = [];
    for (let i = 0; i < page.items.length; i += plan.connectionsPerCheckMessage) {
      checks.push({ runId: msg.runId, connections: page.items.slice(i, i + plan.connectionsPerCheckMessage) });
    }
    if (checks.length > 0) await deps.queues.sendBatch('expiryChecks', checks);
    cursor = page.cursor;
    if (!cursor || remaining() < SEND_MARGIN_MS) break;
  }
  if (read > 0) await deps.store.scanRuns.addEnqueued(msg.runId, read, read);
  const readSoFar = msg.readBefore + read;
  const handedOn = cursor !== undefined && readSoFar < plan.itemsPerSegmentPerTick;
  if (handedOn) {
    const next: ScanSegmentMessage = { ...msg, step: msg.step + 1, cursor, readBefore: readSoFar };
    await deps.queues.sendBatch('scanSegments', [next]);
  } else if (cursor !== undefined) {
    deps.log.warn('scan segment stopped at its per-tick share; the rest stays due for the next tick', { runId: msg.runId, segment: msg.segment, readSoFar });
  }
  await deps.store.scanClaims.finish(claimKey, deps.clock.now().toISOString());
  const stragglers = msg.segment >= plan.shards ? read : 0;
  if (stragglers > 0) deps.log.info('due entries still in a former shard layout', { runId: msg.runId, segment: msg.segment, stragglers });
  return { itemsRead: read, handedOn, duplicate: false, stragglers };
}

function epoch(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
