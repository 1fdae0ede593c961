import { BatchWriteItemCommand, DynamoDBClient, ListTablesCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../shared/adapters/aws/dynamo-store.js';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../shared/config/table.js';
import { RECONCILE, SCAN } from '../shared/config/messaging.js';
import { CHECKS_IN_FLIGHT_PER_PLATFORM, scanRunSummary } from '../shared/use-cases/scan.js';
import { startScanRun } from '../shared/use-cases/scan-run.js';
import { enqueueDuePosts } from '../shared/use-cases/posts.js';
import type { Platform } from '../shared/config/platforms.js';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.js';
import { AwsMeter, usageBetween, type Usage } from './meter.js';
import { BenchClient } from './local-client.js';
import { DAYS_PER_MONTH, PRICES, PRICES_CHECKED_ON } from './prices.js';

const HOUR = 3_600_000;
const PLATFORMS = ['facebook', 'linkedin', 'x', 'tiktok'] as const satisfies readonly Platform[];
const CONNECTIONS_PER_WORKSPACE = 5;
/** What a production connection has around it (issue 12): its history, and what its past left behind. */
const SEED = { posts: 50, alerts: 3, idempotencyRecords: 5, oauthStates: 3 } as const;
/** Schedules in AWS (the stack): publish-due every minute, reconciliation every RECONCILE.everyMinutes, the digest weekly. */
const PUBLISH_DUE_TICKS_PER_DAY = 24 * 60;
const RECONCILE_TICKS_PER_DAY = (24 * 60) / RECONCILE.everyMinutes;
const DIGESTS_PER_DAY = 1 / 7;
/** Ticks measured to average one; each is the same query of empty due/reconcile partitions. */
const TICKS_MEASURED = 3;
/** Lambda memory (infra/constructs/functions.ts) and an assumed real platform round trip (the sandbox answers in about 1 ms). */
const LAMBDA_GB = 0.5;
const ASSUMED_PLATFORM_CALL_MS = 250;
/** CloudWatch Logs per invocation: the platform's START/END/REPORT lines and one EMF blob (info lines off). */
const ASSUMED_LOG_BYTES_PER_INVOCATION = 1024;
/** Lambda's SQS pollers long-poll each of the 4 consumed queues even when idle (about 5 pollers, 3 receives a minute each). */
const IDLE_RECEIVES_PER_MONTH = 4 * 5 * 3 * 60 * 24 * DAYS_PER_MONTH;

type Figures = Record<string, number | string>;

/**
 * Issue 12, point 6: one simulated day of the whole system on a production-like table, every request
 * AWS would bill counted on the wire, priced at list prices (bench/prices.ts).
 */
export async function benchCost(connections = Number(process.env.BENCH_COST_CONNECTIONS ?? 200)): Promise<Figures> {
  const meter = new AwsMeter().start();
  const rt = await startLocalRuntime({ port: 0, dailyScan: false, publishDueEveryMs: 0, wrapQueueHandler: meter.wrapQueueHandler });
  meter.meterPorts(rt.deps);
  try {
    const refs = await seed(rt, meter, connections);
    // Day 1 after connecting: the first checks; the measured day is the steady one after it.
    await day(rt, meter);
    const daily = await day(rt, meter);
    const publishDue = await ticks(meter, 'publishDue', () => enqueueDuePosts(rt.deps));
    const reconcile = await ticks(meter, 'reconcile', () => rt.reconcile());
    const before = meter.snapshot();
    await meter.timed('digest', () => new BenchClient(rt.url).call('POST', '/local/digest'));
    const digest = usageBetween(before, meter.snapshot());
    const table = await tableFacts(rt);
    return figures({ connections: refs.length, daily, publishDue, reconcile, digest, table, metricSeries: rt.metrics.snapshot().length });
  } finally {
    await rt.stop();
    meter.stop();
  }
}

async function seed(rt: LocalRuntime, meter: AwsMeter, n: number): Promise<{ workspaceId: string; connectionId: string; platform: Platform }[]> {
  const client = new BenchClient(rt.url);
  await client.login('cost');
  const workspaces: string[] = [];
  for (let i = 0; i < Math.ceil(n / CONNECTIONS_PER_WORKSPACE); i++) workspaces.push(await client.workspace(`Cost ${i}`));
  const refs: { workspaceId: string; connectionId: string; platform: Platform }[] = [];
  await inParallel(n, 8, async (i) => {
    const platform = PLATFORMS[i % PLATFORMS.length]!;
    const workspaceId = workspaces[Math.floor(i / CONNECTIONS_PER_WORKSPACE)]!;
    refs.push({ workspaceId, platform, connectionId: await client.connect(workspaceId, platform, `${platform}-cost-${i}`) });
  });
  const now = rt.clock.now();
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 24 * HOUR).toISOString();
  const ttl = Math.floor(now.getTime() / 1000) + 3600;
  const tableClient = meter.dynamoClients[0]!;
  const tableName = (await tableClient.send(new ListTablesCommand({}))).TableNames![0]!;
  // The items are made by the real repositories (their keys and indexes), captured instead of sent,
  // then written 25 to a BatchWriteItem (one request for 25 items instead of 25).
  const { client: capture, items } = capturingClient();
  const store = new DynamoStore(capture, tableName);
  const doc = DynamoDBDocumentClient.from(capture);
  const writes = refs.flatMap(({ workspaceId, connectionId, platform }, c) => [
    ...Array.from({ length: SEED.posts }, (_, k) => () =>
      store.posts.create({
        workspaceId, postId: `h${c}-${k}`, connectionId, text: `A post of day ${k} from the history of a busy account, about the length of a real one.`,
        ...(platform === 'tiktok' ? { mediaUrl: 'https://cdn.example.test/clip.mp4', tiktok: { privacyLevel: 'PUBLIC_TO_EVERYONE' as const } } : {}),
        publishAt: at(k + 1), status: 'published', attempts: 1, platformPostId: `pp-${c}-${k}`, publishedAt: at(k + 1), createdAt: at(k + 2), createdBy: 'cost', version: 3,
      })),
    ...(['connection_expired', 'connection_expiring', 'post_failed'] as const).slice(0, SEED.alerts).map((kind, k) => () =>
      store.alerts.putIfAbsent({ workspaceId, alertId: `${kind}.${connectionId}.old${k}`, kind, connectionId, episodeId: `old-${k}`, message: 'Resolved long ago.', createdAt: at(40 + k), resolvedAt: at(39 + k) }).then(() => undefined)),
    ...Array.from({ length: SEED.idempotencyRecords }, (_, k) => () =>
      doc.send(new PutCommand({ TableName: tableName, Item: { [TABLE.partitionKey]: 'IDEMPOTENCY#publish', [TABLE.sortKey]: `publish#${c}-${k}-${'0'.repeat(24)}`, status: 'COMPLETED', [TABLE.ttlAttribute]: ttl, data: '{"batchItemFailures":[]}' } })).then(() => undefined)),
    ...Array.from({ length: SEED.oauthStates }, (_, k) => () =>
      store.oauthStates.put({ stateHash: `seed-${c}-${k}-${'a'.repeat(40)}`, platform, workspaceId, connectionId, mode: 'reconnect', actorUserId: 'cost', browserSecretHash: 'b'.repeat(43), createdAt: at(k + 1), expiresAt: at(k + 1), usedAt: k === 0 ? at(k + 1) : undefined }, ttl)),
  ]);
  await inParallel(writes.length, 32, (i) => writes[i]!());
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, b) => items.slice(b * 25, b * 25 + 25));
  await inParallel(batches.length, 4, async (b) => {
    let request: Record<string, WriteRequest[]> | undefined = { [tableName]: batches[b]!.map((Item) => ({ PutRequest: { Item } })) };
    while (request && Object.keys(request).length > 0) request = (await tableClient.send(new BatchWriteItemCommand({ RequestItems: request }))).UnprocessedItems;
  });
  return refs;
}

/** A table client that sends nothing: it keeps the item of every PutItem it is given. */
function capturingClient(): { client: DynamoDBClient; items: Record<string, AttributeValue>[] } {
  const items: Record<string, AttributeValue>[] = [];
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add(
    () => async (args) => {
      const item = (args.input as { Item?: Record<string, AttributeValue> }).Item;
      if (item) items.push(item);
      return { output: { $metadata: {} }, response: {} } as never;
    },
    { step: 'build', name: 'benchCapture' },
  );
  return { client, items };
}

/** One daily scan, a day after the last one: the coordinator, its segment readers, then every check they queued. */
async function day(rt: LocalRuntime, meter: AwsMeter): Promise<{ usage: Usage; checked: number; dueItemsRead: number; platformCalls: number }> {
  rt.clock.advanceMs(24 * HOUR);
  rt.sandbox.resetRequestCounts();
  const before = meter.snapshot();
  const { runId } = await meter.timed('expiryScan', () => startScanRun(rt.deps));
  await rt.drain();
  const usage = usageBetween(before, meter.snapshot());
  const run = await scanRunSummary(rt.deps, runId);
  const platformCalls = PLATFORMS.reduce((sum, p) => sum + rt.sandbox.requestCount(p), 0);
  return { usage, checked: run.checked, dueItemsRead: run.itemsRead, platformCalls };
}

async function ticks(meter: AwsMeter, fn: string, run: () => Promise<unknown>): Promise<Usage> {
  const before = meter.snapshot();
  for (let i = 0; i < TICKS_MEASURED; i++) await meter.timed(fn, run);
  return scale(usageBetween(before, meter.snapshot()), 1 / TICKS_MEASURED);
}

async function tableFacts(rt: LocalRuntime): Promise<{ items: number; bytes: number }> {
  const items = await rt.tableItems();
  const indexes = Object.values(TABLE.indexes);
  // An item's size once in the table and once more in each index it sits in (the stack's indexes
  // project ALL), plus DynamoDB's 100 bytes of overhead per copy.
  const bytes = items.reduce<number>((total, item) => {
    const size = itemSize(item as Record<string, AttributeValue>) + 100;
    return total + size * (1 + indexes.filter((ix) => ix.partitionKey in item).length);
  }, 0);
  return { items: items.length, bytes };
}

/** DynamoDB's item size: attribute names plus values (strings in UTF-8, numbers about half their digits). */
function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((n, [name, v]) => n + Buffer.byteLength(name) + valueSize(v), 0);
}
function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.M !== undefined) return 3 + itemSize(v.M);
  if (v.L !== undefined) return 3 + v.L.reduce((n, x) => n + 1 + valueSize(x), 0);
  if (v.SS !== undefined) return v.SS.reduce((n, x) => n + Buffer.byteLength(x), 0);
  return 1;
}

interface Measured {
  connections: number;
  daily: Awaited<ReturnType<typeof day>>;
  publishDue: Usage;
  reconcile: Usage;
  digest: Usage;
  table: { items: number; bytes: number };
  metricSeries: number;
}

const sum = (r: Record<string, number>, match: (k: string) => boolean) => Object.entries(r).reduce((n, [k, v]) => n + (match(k) ? v : 0), 0);
/** SQS requests AWS bills for work done: sends, and the deletes and receives of batches handled (idle polling is counted apart). */
const sqsRequests = (u: Usage) => sum(u.requests, (k) => /^sqs:(Send|Delete)/.test(k)) + sum(lambdaOf(u), (k) => k !== 'expiryScan' && k !== 'publishDue' && k !== 'reconcile' && k !== 'digest');
const lambdaOf = (u: Usage) => Object.fromEntries(Object.entries(u.lambda).map(([k, v]) => [k, v.invocations]));
const dynamoRequests = (u: Usage) => sum(u.requests, (k) => k.startsWith('dynamodb:'));
const dynamoReads = (u: Usage) => sum(u.requests, (k) => /^dynamodb:(GetItem|Query|Scan|BatchGetItem)$/.test(k));
const kmsRequests = (u: Usage) => u.kms.decrypt + u.kms.generateDataKey;

function scale(u: Usage, f: number): Usage {
  const times = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v * f]));
  return {
    requests: times(u.requests),
    readUnits: u.readUnits * f,
    writeUnits: u.writeUnits * f,
    itemsRead: u.itemsRead * f,
    kms: { decrypt: u.kms.decrypt * f, generateDataKey: u.kms.generateDataKey * f },
    eventEntries: u.eventEntries * f,
    lambda: Object.fromEntries(Object.entries(u.lambda).map(([k, v]) => [k, { invocations: v.invocations * f, ms: v.ms * f }])),
  };
}

/** Monthly USD of one day's usage repeated for a month. */
function monthlyUsd(u: Usage, platformCalls: number): Record<string, number> {
  const m = DAYS_PER_MONTH;
  const invocations = Object.values(u.lambda).reduce((n, v) => n + v.invocations, 0);
  const ms = Object.values(u.lambda).reduce((n, v) => n + v.ms, 0) + (platformCalls * ASSUMED_PLATFORM_CALL_MS) / CHECKS_IN_FLIGHT_PER_PLATFORM;
  // Index writes dynalite does not report: each connection write moves its due key (a delete and a put on the index).
  const indexWriteUnits = 2 * (u.requests['dynamodb:PutItem'] ?? 0);
  return {
    dynamodb: m * (u.readUnits * PRICES.dynamoReadRequestUnit.usd + (u.writeUnits + indexWriteUnits) * PRICES.dynamoWriteRequestUnit.usd),
    kms: m * kmsRequests(u) * PRICES.kmsRequest.usd,
    sqs: m * sqsRequests(u) * PRICES.sqsRequest.usd,
    eventbridge: m * u.eventEntries * PRICES.eventBridgeCustomEvent.usd,
    lambda: m * (invocations * PRICES.lambdaRequest.usd + (ms / 1000) * LAMBDA_GB * PRICES.lambdaArmGbSecond.usd),
    ses: m * (u.requests['ses:SendEmail'] ?? 0) * PRICES.sesEmail.usd,
    logs: m * ((invocations * ASSUMED_LOG_BYTES_PER_INVOCATION) / 1e9) * PRICES.cloudWatchLogsGb.usd,
  };
}

function figures(x: Measured): Figures {
  const n = x.connections;
  const d = x.daily.usage;
  const per = (v: number) => round(v / n);
  const platformCalls = x.daily.platformCalls;
  const requests = { dynamodb: dynamoRequests(d), kms: kmsRequests(d), sqs: sqsRequests(d), eventbridge: sum(d.requests, (k) => k.startsWith('events:')), platforms: platformCalls };
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  // The floor (issue 12): one read, one write, one token open and one platform call per connection that needs a probe.
  const floor = 4 * x.daily.checked;
  // A month at 1,000 connections: the daily runs and the digest scale with connections; the schedules' ticks do not.
  const k = 1000 / n;
  const variable = [monthlyUsd(scale(d, k), platformCalls * k), monthlyUsd(scale(x.digest, k * DIGESTS_PER_DAY), 0)];
  const fixed = [monthlyUsd(scale(x.publishDue, PUBLISH_DUE_TICKS_PER_DAY), 0), monthlyUsd(scale(x.reconcile, RECONCILE_TICKS_PER_DAY), 0)];
  const storageUsd = (x.table.bytes * k * PRICES.dynamoStorageGbMonth.usd) / 1e9;
  const schedulerUsd = DAYS_PER_MONTH * (1 + PUBLISH_DUE_TICKS_PER_DAY + RECONCILE_TICKS_PER_DAY + DIGESTS_PER_DAY) * PRICES.schedulerInvocation.usd;
  const standingUsd = PRICES.kmsKeyMonth.usd + PRICES.secretsManagerSecretMonth.usd + x.metricSeries * PRICES.cloudWatchMetricMonth.usd + IDLE_RECEIVES_PER_MONTH * PRICES.sqsRequest.usd;
  const byService = (parts: Record<string, number>[]) => parts.reduce<Record<string, number>>((acc, p) => { for (const [s, v] of Object.entries(p)) acc[s] = (acc[s] ?? 0) + v; return acc; }, {});
  const variableUsd = byService(variable);
  const fixedUsd = byService(fixed);
  const variableTotal = Object.values(variableUsd).reduce((a, b) => a + b, 0) + storageUsd;
  const fixedTotal = Object.values(fixedUsd).reduce((a, b) => a + b, 0) + schedulerUsd + standingUsd;
  return {
    cost_connections: n,
    cost_table_items: x.table.items,
    cost_table_items_per_connection: per(x.table.items),
    cost_daily_checks_per_connection: per(x.daily.checked),
    cost_daily_items_read_per_active_connection: per(d.itemsRead),
    cost_daily_due_index_items_read_per_active_connection: per(x.daily.dueItemsRead),
    cost_full_table_scan_items_per_active_connection: per(x.table.items),
    cost_requests_per_connection_day_dynamodb: per(requests.dynamodb),
    cost_requests_per_connection_day_dynamodb_reads: per(dynamoReads(d)),
    cost_requests_per_connection_day_dynamodb_writes: per(requests.dynamodb - dynamoReads(d)),
    cost_requests_per_connection_day_kms: per(requests.kms),
    cost_requests_per_connection_day_sqs: per(requests.sqs),
    cost_requests_per_connection_day_eventbridge: per(requests.eventbridge),
    cost_requests_per_connection_day_platforms: per(requests.platforms),
    cost_requests_per_connection_day_total: per(total),
    cost_requests_floor_per_connection_day: per(floor),
    cost_requests_to_floor_ratio: round(total / Math.max(1, floor)),
    cost_dynamodb_read_units_per_connection_day: per(d.readUnits),
    cost_dynamodb_write_units_per_connection_day: per(d.writeUnits),
    cost_dynamodb_index_write_units_per_connection_day_estimated: per(2 * (d.requests['dynamodb:PutItem'] ?? 0)),
    cost_dynamodb_requests_per_day_schedules: round(dynamoRequests(x.publishDue) * PUBLISH_DUE_TICKS_PER_DAY + dynamoRequests(x.reconcile) * RECONCILE_TICKS_PER_DAY),
    cost_dynamodb_requests_by_operation_daily_run: Object.entries(d.requests).filter(([op, v]) => op.startsWith('dynamodb:') && v > 0).map(([op, v]) => `${op.slice(9)}=${per(v)}`).join(' '),
    cost_lambda_invocations_per_connection_day: per(sum(lambdaOf(d), () => true)),
    cost_usd_per_1000_connections_month: round2(variableTotal + fixedTotal),
    cost_usd_per_1000_connections_month_scaling: round2(variableTotal),
    cost_usd_per_month_fixed: round2(fixedTotal),
    cost_usd_breakdown_per_1000_connections_month: Object.entries(byService([variableUsd, fixedUsd, { dynamodb_storage: storageUsd, scheduler: schedulerUsd, standing: standingUsd }]))
      .filter(([, v]) => v >= 0.005)
      .map(([s, v]) => `${s}=${v.toFixed(2)}`)
      .join(' '),
    cost_prices_checked_on: PRICES_CHECKED_ON,
    cost_connections_per_check_message: SCAN.connectionsPerCheckMessage,
  };
}

async function inParallel(count: number, width: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await work(next++);
  }));
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
