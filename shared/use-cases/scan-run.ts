import { SCAN, SQS_SEND_BATCH } from '../config/messaging.js';
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
  /**
   * The last segment of the range this message reads, one after the other, while its invocation's
   * budget lasts (the coordinator's message: every segment). Absent: `segment` alone.
   */
  through?: number;
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
 * The scan's coordinator (one tick): claims the run, records it, and sends one message for every
 * segment of the due index to `scan-segments` (readScanSegment fans it out). It reads nothing itself, so its time does not grow with the
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
  // One message for every segment: a run with few due entries reads them all in one invocation (into
  // full check messages); a larger one fans the segments it did not reach out when its budget is spent.
  const message: ScanSegmentMessage = { runId, until, segment: 0, step: 0, readBefore: 0, through: plan.readShards - 1 };
  await deps.queues.sendBatch('scanSegments', [message]);
  await deps.store.scanClaims.finish(claimKey, now.toISOString());
  deps.metrics.count('scanRunsEnqueued', {});
  return { runId, segments: plan.readShards, started: true };
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
 * One step of one segment, or of a range of segments read in turn: claims it (a second delivery of
 * the same step does nothing), reads due entries page by page until the invocation's item budget or
 * time runs out, hands them to the expiry-check workers in full messages, and sends the cursor on as
 * the segment's next step, and each segment of the range it did not reach as a message of its own. A
 * segment stops for this tick at plan.itemsPerSegmentPerTick: what it leaves is still due, and the
 * next tick reads it. Every message that goes on starts where what this one sent ends, so a
 * second copy of a step (a retried invocation) never leaves a gap, whichever copy claims it.
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

  const checks = new CheckPacker(deps, msg.runId, plan.connectionsPerCheckMessage);
  const through = Math.max(msg.segment, msg.through ?? msg.segment);
  const next: ScanSegmentMessage[] = [];
  let read = 0;
  let stragglers = 0;
  for (let segment = msg.segment; segment <= through; segment++) {
    // The message's own segment goes on from its cursor; a later one of its range starts afresh (its step 0 is this invocation).
    const first = segment === msg.segment;
    const readBefore = first ? msg.readBefore : 0;
    let cursor = first ? msg.cursor : undefined;
    let readHere = 0;
    for (;;) {
      const limit = Math.min(plan.itemsPerInvocation - read - readHere, plan.itemsPerSegmentPerTick - readBefore - readHere);
      if (limit <= 0) break;
      const page = await deps.store.connections.queryDue(segment, msg.until, cursor, limit);
      readHere += page.items.length;
      await checks.add(page.items);
      cursor = page.cursor;
      if (!cursor || remaining() < SEND_MARGIN_MS) break;
    }
    read += readHere;
    if (segment >= plan.shards) stragglers += readHere;
    const readSoFar = readBefore + readHere;
    if (cursor !== undefined && readSoFar < plan.itemsPerSegmentPerTick) {
      next.push({ runId: msg.runId, until: msg.until, segment, step: first ? msg.step + 1 : 1, cursor, readBefore: readSoFar });
    } else if (cursor !== undefined) {
      deps.log.warn('scan segment stopped at its per-tick share; the rest stays due for the next tick', { runId: msg.runId, segment, readSoFar });
    }
    // Out of budget or time: each segment of the range not reached yet goes on as a message of its own, read in parallel.
    if (segment < through && (read >= plan.itemsPerInvocation || remaining() < SEND_MARGIN_MS)) {
      for (let rest = segment + 1; rest <= through; rest++) next.push({ runId: msg.runId, until: msg.until, segment: rest, step: 0, readBefore: 0 });
      break;
    }
  }
  await checks.flush();
  if (read > 0) await deps.store.scanRuns.addEnqueued(msg.runId, read, read);
  if (next.length > 0) await deps.queues.sendBatch('scanSegments', next);
  await deps.store.scanClaims.finish(claimKey, deps.clock.now().toISOString());
  if (stragglers > 0) deps.log.info('due entries still in a former shard layout', { runId: msg.runId, segment: msg.segment, stragglers });
  return { itemsRead: read, handedOn: next.length > 0, duplicate: false, stragglers };
}

/**
 * Packs the due entries of one invocation, across its pages and segments, into full expiry-check
 * messages (the per-message requests of the checks are paid once per SCAN.connectionsPerCheckMessage
 * connections), sent a full SendMessageBatch at a time; the rest is sent at the end (flush).
 */
class CheckPacker {
  private pending: { workspaceId: string; connectionId: string }[] = [];

  constructor(
    private readonly deps: Pick<Deps, 'queues'>,
    private readonly runId: string,
    private readonly perMessage: number,
  ) {}

  async add(items: readonly { workspaceId: string; connectionId: string }[]): Promise<void> {
    this.pending.push(...items);
    const full = this.perMessage * SQS_SEND_BATCH;
    if (this.pending.length >= full) await this.send(Math.floor(this.pending.length / full) * full);
  }

  async flush(): Promise<void> {
    await this.send(this.pending.length);
  }

  private async send(n: number): Promise<void> {
    const taken = this.pending.splice(0, n);
    const messages: ExpiryCheckMessage[] = [];
    for (let i = 0; i < taken.length; i += this.perMessage) messages.push({ runId: this.runId, connections: taken.slice(i, i + this.perMessage) });
    if (messages.length > 0) await this.deps.queues.sendBatch('expiryChecks', messages);
  }
}

function epoch(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
