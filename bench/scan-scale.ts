/**
 * Issue 16: the scan's shape as the connections grow. Seeds the due index directly (every connection
 * due), runs one tick in process (the coordinator, then every segment step as its own "invocation",
 * handed on through an in-memory scan-segments queue) against dynalite, and reports the largest
 * single invocation and the wall time per 1,000 due connections at each size.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../shared/adapters/aws/dynamo-store.js';
import { QUEUES } from '../shared/config/messaging.js';
import { dueConnectionKeys, keys } from '../shared/config/table.js';
import type { Log } from '../shared/use-cases/deps.js';
import type { QueueSender } from '../shared/ports/misc.js';
import { SCAN_PLAN, readScanSegment, startScanRun, type ScanPlan, type ScanSegmentMessage } from '../shared/use-cases/scan-run.js';
import { ensureTable, localDynamoClient, startDynalite } from '../local/services/dynamo.js';
import { CountingMetrics } from '../local/services/metrics.js';

const quiet: Log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, with: () => quiet };

export interface TickFigures {
  runId: string;
  itemsRead: number;
  invocations: number;
  largestInvocationItems: number;
  largestInvocationMs: number;
  coordinatorMs: number;
  wallMs: number;
  checkMessages: number;
}

/**
 * One tick, in process: `concurrency` pollers take segment messages as the event source mapping
 * would (QUEUES.scanSegments.maxConcurrency), each message one invocation of readScanSegment.
 */
export async function runTickInProcess(store: DynamoStore, now: Date, plan: ScanPlan = SCAN_PLAN, concurrency: number = QUEUES.scanSegments.maxConcurrency): Promise<TickFigures> {
  const pending: ScanSegmentMessage[] = [];
  let checkMessages = 0;
  const queues: QueueSender = {
    sendBatch: async (queue, bodies) => {
      if (queue === 'scanSegments') pending.push(...(bodies as ScanSegmentMessage[]));
      else checkMessages += bodies.length;
    },
  };
  const deps = { store, queues, clock: { now: () => now }, ids: { newId: () => `bench-${now.getTime()}` }, metrics: new CountingMetrics(), log: quiet };
  const t0 = performance.now();
  const run = await startScanRun(deps, { plan });
  const coordinatorMs = performance.now() - t0;
  let itemsRead = 0;
  let invocations = 0;
  let largestInvocationItems = 0;
  let largestInvocationMs = 0;
  let active = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      // A poller stops when nothing is queued and no invocation in flight can hand a cursor on.
      while (pending.length > 0 || active > 0) {
        const msg = pending.shift();
        if (!msg) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        active++;
        const t = performance.now();
        const r = await readScanSegment(deps, msg, { plan }).finally(() => active--);
        invocations++;
        itemsRead += r.itemsRead;
        largestInvocationItems = Math.max(largestInvocationItems, r.itemsRead);
        largestInvocationMs = Math.max(largestInvocationMs, performance.now() - t);
      }
    }),
  );
  return { runId: run.runId, itemsRead, invocations, largestInvocationItems, largestInvocationMs, coordinatorMs, wallMs: performance.now() - t0, checkMessages };
}

/** `count` due connection items, keyed as the store keys them (dueConnectionKeys), written 25 at a time. */
async function seedDue(doc: DynamoDBDocumentClient, table: string, count: number, dueAt: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + 25);
        const items = Array.from({ length: next - from }, (_, j) => {
          const c = { workspaceId: `w${(from + j) % 997}`, connectionId: `c${from + j}`, nextCheckAt: dueAt };
          return { PutRequest: { Item: { ...keys.connection(c.workspaceId, c.connectionId), entity: 'connection', status: 'active', ...c, ...dueConnectionKeys(c) } } };
        });
        let req: Record<string, typeof items> | undefined = { [table]: items };
        while (req && Object.keys(req).length > 0) req = (await doc.send(new BatchWriteCommand({ RequestItems: req }))).UnprocessedItems as typeof req;
      }
    }),
  );
}

export async function benchScanScale(sizes: readonly number[] = [10_000, Number(process.env.BENCH_SCALE_CONNECTIONS ?? 100_000)]): Promise<Record<string, number>> {
  const out: Record<string, number> = { scale_items_per_invocation_budget: SCAN_PLAN.itemsPerInvocation, scale_segments: SCAN_PLAN.readShards };
  // A small unreported tick first: the first size would otherwise also pay for warming up (JIT, SDK, dynalite).
  const runs = [{ size: 2_000, reported: false }, ...sizes.map((size) => ({ size, reported: true }))];
  for (const { size, reported } of runs) {
    const dynamo = await startDynalite();
    const client = localDynamoClient(dynamo.endpoint);
    try {
      const table = `bench-scale-${size}`;
      await ensureTable(client, table);
      const now = new Date();
      await seedDue(DynamoDBDocumentClient.from(client), table, size, new Date(now.getTime() - 3_600_000).toISOString());
      const tick = await runTickInProcess(new DynamoStore(client, table), now);
      if (!reported) continue;
      const k = size >= 1000 ? `${size / 1000}k` : String(size);
      out[`scale_${k}_due_read`] = tick.itemsRead;
      out[`scale_${k}_invocations`] = tick.invocations;
      out[`scale_${k}_largest_invocation_items`] = tick.largestInvocationItems;
      out[`scale_${k}_largest_invocation_ms`] = Math.round(tick.largestInvocationMs);
      out[`scale_${k}_coordinator_ms`] = Math.round(tick.coordinatorMs);
      out[`scale_${k}_wall_ms_per_1000_due`] = Math.round((tick.wallMs / Math.max(1, tick.itemsRead)) * 1000);
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  }
  return out;
}
