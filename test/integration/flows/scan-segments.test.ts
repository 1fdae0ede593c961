import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import type { QueueKey } from '../../../shared/config/messaging.js';
import { DUE_CONNECTIONS, dueConnectionKeys, keys } from '../../../shared/config/table.js';
import type { Connection } from '../../../shared/domain/connection.js';
import type { TokenCipher } from '../../../shared/ports/misc.js';
import type { PlatformRegistry } from '../../../shared/ports/platform.js';
import type { Store } from '../../../shared/ports/store.js';
import type { Log } from '../../../shared/use-cases/deps.js';
import { checkMessage, scanRunSummary, type ExpiryCheckMessage } from '../../../shared/use-cases/scan.js';
import { SCAN_PLAN, readScanSegment, startScanRun, type ScanPlan, type ScanSegmentMessage, type SegmentResult } from '../../../shared/use-cases/scan-run.js';
import { CountingMetrics } from '../../../local/services/metrics.js';
import { freshTable } from '../../helpers/table.js';

/**
 * The segmented scan end to end on dynalite: the coordinator, each segment step as its own invocation
 * handing its cursor on through an in-memory scan-segments queue, and the real checkConnection on the
 * real store. The connections were proven by a publish yesterday, so a check is a rewrite of the
 * connection (no platform call) and each one can be counted.
 */
const quiet: Log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, with: () => quiet };
const HOUR = 3_600_000;
const START = new Date('2026-06-01T06:00:00Z');
/** Many small segments, a tiny budget: a former layout of 32 shards read while writes use the current one. */
const PLAN: ScanPlan = { ...SCAN_PLAN, readShards: 32, shards: DUE_CONNECTIONS.shards, itemsPerInvocation: 2, itemsPerSegmentPerTick: 1_000, connectionsPerCheckMessage: 2 };
const N = 80;
const SLOW = 120_000;

let client: DynamoDBClient;
let tableName: string;
beforeAll(async () => {
  ({ client, tableName } = await freshTable());
});
afterAll(() => client.destroy());

function connection(i: number, nextCheckAt: string): Connection & { nextCheckAt: string } {
  const at = new Date(START.getTime() - 20 * HOUR).toISOString();
  return {
    workspaceId: `ws-${i % 7}`,
    connectionId: `conn-${i}`,
    platform: 'facebook',
    externalAccountId: `page-${i}`,
    displayName: `Page ${i}`,
    status: 'active',
    transientFailures: 0,
    version: 1,
    connectedAt: at,
    connectedBy: 'u',
    lastCheckedAt: at,
    lastUsedAt: at,
    lastPublishedAt: at,
    nextCheckAt,
  };
}

/** Items as an earlier release with `shards` due partitions wrote them. */
async function seed(store: string, conns: (Connection & { nextCheckAt: string })[], shards: number): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client);
  for (let i = 0; i < conns.length; i += 25) {
    const items = conns.slice(i, i + 25).map((c) => ({ PutRequest: { Item: { ...keys.connection(c.workspaceId, c.connectionId), entity: 'connection', ...c, ...dueConnectionKeys(c, shards) } } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [store]: items } }));
  }
}

interface Tick {
  runId: string;
  segmentResults: (SegmentResult & { segment: number; step: number })[];
  checks: Map<string, number>;
}

/**
 * One tick in process. `lose(msg)`: a segment invocation that dies before reading (its message is
 * lost for this tick, as after its last receive).
 */
async function tick(store: Store, now: Date, checks: Map<string, number>, opts: { scheduledAt?: string; lose?: (m: ScanSegmentMessage) => boolean } = {}): Promise<Tick> {
  const queued: { queue: QueueKey; body: unknown }[] = [];
  const queues = { sendBatch: async (queue: QueueKey, bodies: unknown[]) => void queued.push(...bodies.map((body) => ({ queue, body }))) };
  const deps = { store, queues, clock: { now: () => now }, ids: { newId: () => `run-${now.getTime()}` }, metrics: new CountingMetrics(), log: quiet };
  const counted: Store = {
    ...store,
    connections: {
      ...store.connections,
      get: (w, c) => store.connections.get(w, c),
      update: async (next, expected) => {
        const written = await store.connections.update(next, expected);
        checks.set(next.connectionId, (checks.get(next.connectionId) ?? 0) + 1);
        return written;
      },
    },
  };
  const run = await startScanRun(deps, { plan: PLAN, scheduledAt: opts.scheduledAt });
  const segmentResults: Tick['segmentResults'] = [];
  for (let next = queued.shift(); next; next = queued.shift()) {
    if (next.queue === 'scanSegments') {
      const msg = next.body as ScanSegmentMessage;
      if (opts.lose?.(msg)) continue;
      segmentResults.push({ ...(await readScanSegment(deps, msg, { plan: PLAN })), segment: msg.segment, step: msg.step });
    } else {
      const msg = next.body as ExpiryCheckMessage;
      const checkDeps = { ...deps, store: counted, platforms: unreachable<PlatformRegistry>(), cipher: unreachable<TokenCipher>(), bus: { publish: async () => {} } };
      for (const r of await checkMessage(checkDeps, msg)) if (r.status === 'rejected') throw r.reason;
    }
  }
  return { runId: run.runId, segmentResults, checks };
}

/** A port no proven check may touch. */
function unreachable<T>(): T {
  return new Proxy({}, { get: (_t, p) => { throw new Error(`unexpected use of ${String(p)}`); } }) as T;
}

async function dueInPartitions(store: Store, from: number, to: number, until: string): Promise<number> {
  let n = 0;
  for (let shard = from; shard < to; shard++) {
    let cursor: string | undefined;
    do {
      const page = await store.connections.queryDue(shard, until, cursor, 100);
      n += page.items.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return n;
}

describe('segmented scan', () => {
  it('checks every due connection exactly once in a run, segments handing their cursors on, and re-keys them to the current shards', async () => {
    const store = new DynamoStore(client, tableName);
    const due = Array.from({ length: N }, (_, i) => connection(i, new Date(START.getTime() - HOUR - i * 1000).toISOString()));
    const notYet = Array.from({ length: 20 }, (_, i) => connection(N + i, new Date(START.getTime() + 5 * HOUR).toISOString()));
    await seed(tableName, [...due, ...notYet], PLAN.readShards);

    const t = await tick(store, START, new Map());

    expect([...t.checks.keys()].sort()).toEqual(due.map((c) => c.connectionId).sort());
    expect([...t.checks.values()].every((n) => n === 1)).toBe(true);
    expect(await scanRunSummary({ store }, t.runId)).toMatchObject({ checked: N, itemsRead: N });
    // Each invocation within its budget; segments went on in several steps.
    expect(Math.max(...t.segmentResults.map((r) => r.itemsRead))).toBe(PLAN.itemsPerInvocation);
    const perSegment = new Map<string, number>();
    for (const c of due) perSegment.set(dueConnectionKeys(c, PLAN.readShards).duePk, (perSegment.get(dueConnectionKeys(c, PLAN.readShards).duePk) ?? 0) + 1);
    // A page that fills the budget comes with a cursor (DynamoDB's Limit), so a segment holding at least a budget hands on.
    const overBudget = [...perSegment.values()].filter((n) => n >= PLAN.itemsPerInvocation).length;
    expect(overBudget).toBeGreaterThan(5);
    expect(new Set(t.segmentResults.filter((r) => r.step > 0).map((r) => r.segment)).size).toBe(overBudget);
    expect(new Set(t.segmentResults.map((r) => r.segment)).size).toBe(PLAN.readShards);
    // Checked connections moved to the current layout; only the not-yet-due ones are left in the former one.
    const later = new Date(START.getTime() + 2 * 86_400_000).toISOString();
    expect(await dueInPartitions(store, 0, PLAN.shards, later)).toBe(N + notYet.filter((c) => dueConnectionKeys(c, PLAN.readShards).duePk === dueConnectionKeys(c, PLAN.shards).duePk).length);
    expect(t.segmentResults.reduce((sum, r) => sum + r.stragglers, 0)).toBeGreaterThan(0);

    // The next hour's tick finds nothing due.
    const next = await tick(store, new Date(START.getTime() + HOUR), new Map());
    expect(next.checks.size).toBe(0);
  }, SLOW);

  it('a tick whose segment invocations partly died is finished by the next tick, each connection still checked once', async () => {
    const { client: c2, tableName: t2 } = await freshTable();
    const store = new DynamoStore(c2, t2);
    const due = Array.from({ length: 40 }, (_, i) => connection(1000 + i, new Date(START.getTime() - HOUR).toISOString()));
    await seed(t2, due, PLAN.readShards);
    const checks = new Map<string, number>();

    // Segments 1-9 die (the messages the first invocation fanned them out in are lost for this tick): what they hold stays due.
    const first = await tick(store, START, checks, { lose: (m) => m.segment > 0 && m.segment < 10 && m.step === 0 });
    expect(checks.size).toBeLessThan(due.length);
    expect(checks.size).toBeGreaterThan(0);

    await tick(store, new Date(START.getTime() + HOUR), checks);
    expect(checks.size).toBe(due.length);
    expect([...checks.values()].every((n) => n === 1)).toBe(true);
    expect(first.segmentResults.length).toBeGreaterThan(0);
    c2.destroy();
  }, SLOW);

  it('runs a tick once per scheduled hour, and a step once per delivery', async () => {
    const { client: c3, tableName: t3 } = await freshTable();
    const store = new DynamoStore(c3, t3);
    await seed(t3, Array.from({ length: 12 }, (_, i) => connection(2000 + i, new Date(START.getTime() - HOUR).toISOString())), PLAN.readShards);
    const sent: unknown[] = [];
    const deps = { store, queues: { sendBatch: async (_q: QueueKey, b: unknown[]) => void sent.push(...b) }, clock: { now: () => START }, ids: { newId: () => 'x' }, metrics: new CountingMetrics(), log: quiet };

    const a = await startScanRun(deps, { plan: PLAN, scheduledAt: '2026-06-01T06:00:00Z' });
    const b = await startScanRun(deps, { plan: PLAN, scheduledAt: '2026-06-01T06:00:00Z' });
    expect(a).toMatchObject({ runId: 'tick-2026-06-01T06', started: true, segments: PLAN.readShards });
    expect(b.started).toBe(false);
    // One message for every segment of the run.
    expect(sent).toEqual([expect.objectContaining({ segment: 0, step: 0, through: PLAN.readShards - 1 })]);

    const msg = sent[0] as ScanSegmentMessage;
    sent.length = 0;
    const once = await readScanSegment(deps, msg, { plan: PLAN });
    const again = await readScanSegment(deps, msg, { plan: PLAN });
    expect(once.duplicate).toBe(false);
    expect(again).toEqual({ itemsRead: 0, handedOn: false, duplicate: true, stragglers: 0 });
    c3.destroy();
  });
});
