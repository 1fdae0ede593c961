/**
 * `npm run bench`: the figures the issues ask for, one `name: value` line each, also written to
 * bench/results.json. Everything is measured side by side in this one run on this machine.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoStore } from '../shared/adapters/aws/dynamo-store.js';
import { SqsQueueSender } from '../shared/adapters/aws/sqs-sender.js';
import { computeNextCheckAt, type Connection } from '../shared/domain/connection.js';
import { TABLE, dueConnectionKeys, failedPostsPk, keys } from '../shared/config/table.js';
import type { Post } from '../shared/domain/post.js';
import { enqueueFailedPostRetries } from '../shared/use-cases/fan-out-retries.js';
import { ensureTable, localDynamoClient, startDynalite } from '../local/services/dynamo.js';
import { startLocalQueues } from '../local/services/queues.js';
import { CountingMetrics } from '../local/services/metrics.js';
import { startLocalRuntime } from '../local/runtime.js';
import { bundleAll } from '../infra/bundle.js';
import { X_TWEET_LIMITS } from '../local/sandbox/x.js';
import { benchLoad } from './load.js';
import { benchSteadyState } from './steady-state.js';
import { benchCost } from './cost.js';
import { benchScanScale, runTickInProcess } from './scan-scale.js';
import { benchColdStart } from './cold-start.js';

process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
const results: Record<string, number | string> = {};
function report(name: string, value: number | string) {
  results[name] = value;
  console.log(`${name}: ${value}`);
}

async function batchWrite(doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[], concurrency = 8): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < chunks.length) {
        let req: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = { [table]: chunks[next++]!.map((Item) => ({ PutRequest: { Item } })) };
        while (req && Object.keys(req).length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: req }));
          req = out.UnprocessedItems as typeof req;
        }
      }
    }),
  );
}

/** Issue 4: the scan reads only what is due (sparse index), against a full-table Scan of the same table. */
async function benchScan(total: number, dueShare: number) {
  const dynamo = await startDynalite();
  const client = localDynamoClient(dynamo.endpoint);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTable(client, 'bench-scan');
  const now = new Date();
  const dueEvery = Math.round(1 / dueShare);
  const items = Array.from({ length: total }, (_, i) => {
    const id = `c${i}`;
    // 1% last checked two days ago (due); the rest checked an hour ago (due tomorrow).
    const connectedAt = new Date(now.getTime() - (i % dueEvery === 0 ? 48 : 1) * 3_600_000).toISOString();
    const c: Connection = { workspaceId: `w${i % 1000}`, connectionId: id, platform: 'facebook', externalAccountId: `p${i}`, displayName: `Page ${i}`, status: 'active', transientFailures: 0, version: 1, connectedAt, connectedBy: 'u', lastCheckedAt: connectedAt, lastUsedAt: now.toISOString() };
    const nextCheckAt = computeNextCheckAt(c, now)!;
    return { ...keys.connection(c.workspaceId, id), entity: 'connection', ...c, nextCheckAt, ...dueConnectionKeys({ workspaceId: c.workspaceId, connectionId: id, nextCheckAt }) };
  });
  await batchWrite(doc, 'bench-scan', items);
  const store = new DynamoStore(client, 'bench-scan');
  const run = await runTickInProcess(store, now);
  const scanMs = run.wallMs;
  const sent = run.checkMessages;
  let fullItems = 0;
  let start: Record<string, unknown> | undefined;
  const t1 = performance.now();
  do {
    const out = await client.send(new ScanCommand({ TableName: 'bench-scan', ExclusiveStartKey: start as never }));
    fullItems += out.ScannedCount ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  const fullMs = performance.now() - t1;
  report('scan_connections_total', total);
  report('scan_items_read', run.itemsRead);
  report('full_table_scan_items_read', fullItems);
  report('full_scan_to_scan_items_ratio', Math.round((fullItems / Math.max(1, run.itemsRead)) * 10) / 10);
  report('scan_wall_ms', Math.round(scanMs));
  report('full_table_scan_wall_ms', Math.round(fullMs));
  report('scan_check_messages', sent);
  client.destroy();
  await dynamo.stop();
}

/** Issue 5: fan-out of failed posts after a restore: SQS requests per post, and time until all are published. */
async function benchRetries(posts: number, restorePosts: number) {
  // (a) The fan-out alone, against the real SQS API (fauxqs): requests per post.
  const dynamo = await startDynalite();
  const client = localDynamoClient(dynamo.endpoint);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTable(client, 'bench-retries');
  const now = new Date().toISOString();
  const connection: Connection = { workspaceId: 'w', connectionId: 'conn', platform: 'x', externalAccountId: 'x', displayName: 'X', status: 'active', transientFailures: 0, version: 1, connectedAt: now, connectedBy: 'u' };
  await doc.send(new BatchWriteCommand({ RequestItems: { 'bench-retries': [{ PutRequest: { Item: { ...keys.connection('w', 'conn'), ...connection } } }] } }));
  const failed = Array.from({ length: posts }, (_, i) => {
    const p: Post = { workspaceId: 'w', postId: `p${i}`, connectionId: 'conn', text: `post ${i}`, publishAt: now, status: 'failed', attempts: 1, createdAt: now, createdBy: 'u', version: 2, failedAt: now };
    return { ...keys.post('w', p.postId), ...p, [TABLE.indexes.failedPosts.partitionKey]: failedPostsPk('conn'), [TABLE.indexes.failedPosts.sortKey]: `${now}#w#${p.postId}` };
  });
  await batchWrite(doc, 'bench-retries', failed);
  const queues = await startLocalQueues();
  const sender = new SqsQueueSender(queues.sqsClient(), (k) => queues.queueUrl(k));
  const t0 = performance.now();
  const out = await enqueueFailedPostRetries({ store: new DynamoStore(client, 'bench-retries'), queues: sender, metrics: new CountingMetrics() }, { workspaceId: 'w', connectionId: 'conn', platform: 'x', occurredAt: now, episodeId: 'ep' });
  report('retry_fanout_posts', out.enqueued);
  report('retry_fanout_sqs_requests', sender.requests);
  report('retry_fanout_sqs_requests_per_post', Math.round((sender.requests / posts) * 1000) / 1000);
  report('retry_fanout_wall_ms', Math.round(performance.now() - t0));
  await queues.stop();
  client.destroy();
  await dynamo.stop();

  // (b) The whole chain in the local runtime: reconnect -> restored -> every failed post published.
  posts = restorePosts;
  const data = mkdtempSync(join(tmpdir(), 'flamel-bench-'));
  const rt = await startLocalRuntime({ port: 0, dailyScan: false, publishDueEveryMs: 0, visibilityTimeoutSeconds: 60 });
  try {
    const base = rt.url;
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(`${base}${path}`, { method, redirect: 'manual', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return res;
    };
    const token = ((await (await call('POST', '/local/login', { userId: 'bench', email: 'bench@example.com' })).json()) as { token: string }).token;
    const ws = ((await (await call('POST', '/workspaces', { name: 'Bench' }, token)).json()) as { workspaceId: string }).workspaceId;
    // X lets one account post 100 times per 15 minutes (the sandbox enforces it), so a restore's
    // posts are spread over accounts of at most that many each, as a real workspace's would be.
    const perAccount = X_TWEET_LIMITS.perUser.limit;
    const accounts = Array.from({ length: Math.ceil(posts / perAccount) }, (_, i) => `bench-x-${i}`);
    const connect = async (path: string, account: string) => {
      const started = await call('POST', path, path.endsWith('reconnect') ? undefined : { platform: 'x' }, token);
      // The sign-in finishes only where it started: its cookie goes back with the callback.
      const cookie = started.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const { authorizeUrl } = (await started.json()) as { authorizeUrl: string };
      const cb = (await fetch(`${authorizeUrl}&account=${account}&consent=allow`, { redirect: 'manual' })).headers.get('location')!;
      return new URL((await fetch(cb, { redirect: 'manual', headers: { cookie } })).headers.get('location')!);
    };
    const connectionIds: string[] = [];
    for (const account of accounts) {
      await call('POST', '/sandbox/x/accounts', { externalAccountId: account, name: `Bench ${account}`, isAdmin: true });
      const connectionId = (await connect(`/workspaces/${ws}/connections`, account)).searchParams.get('connectionId')!;
      connectionIds.push(connectionId);
      const c = (await rt.deps.store.connections.get(ws, connectionId))!;
      await rt.deps.store.connections.update({ ...c, status: 'expired', reason: 'revoked', episodeId: `bench-ep-${account}`, episodeAnnounced: true, nextCheckAt: undefined, version: c.version + 1 }, c.version);
    }
    const t = new Date().toISOString();
    for (let i = 0; i < posts; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, posts - i) }, (_, j) => {
          const n = i + j;
          const a = Math.floor(n / perAccount);
          return rt.deps.store.posts.create({ workspaceId: ws, postId: `bp${n}`, connectionId: connectionIds[a]!, text: `bench post ${n}`, publishAt: t, status: 'failed', attempts: 1, createdAt: t, createdBy: 'bench', version: 1, failedAt: t, failedEpisodeId: `bench-ep-${accounts[a]}` });
        }),
      );
    }
    rt.sandbox.resetRequestCounts();
    const sqsBefore = rt.sqsRequests();
    const t0b = performance.now();
    for (const [i, account] of accounts.entries()) await connect(`/workspaces/${ws}/connections/${connectionIds[i]}/reconnect`, account);
    // Until the last post is out (the restored emails wait on purpose for the retries to finish, so
    // that they can say what went out: draining the queues would time them too).
    const publishedNow = async () => ((await (await call('GET', '/sandbox/x/posts')).json()) as { posts: unknown[] }).posts.length;
    const deadline = Date.now() + 30 * 60_000;
    while ((await publishedNow()) < posts && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const ms = performance.now() - t0b;
    await rt.drain(30 * 60_000);
    const publishedCount = await publishedNow();
    report('restore_accounts', accounts.length);
    report('restore_posts_published', publishedCount);
    report('restore_until_all_published_ms', Math.round(ms));
    report('restore_posts_per_second', Math.round((publishedCount / ms) * 1000 * 10) / 10);
    report('restore_sqs_send_requests_per_post', Math.round(((rt.sqsRequests() - sqsBefore) / posts) * 1000) / 1000);
    report('restore_platform_requests_per_post', Math.round((rt.sandbox.requestCount('x') / posts) * 1000) / 1000);
  } finally {
    await rt.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

/** Issue 6: each function's minified bundle, built exactly as the stack builds it. */
async function benchBundles() {
  const out = mkdtempSync(join(tmpdir(), 'flamel-bundles-'));
  try {
    const sizes = await bundleAll(out);
    for (const [name, bytes] of Object.entries(sizes)) report(`bundle_kb_${name}`, Math.round((bytes / 1024) * 10) / 10);
    report('bundle_kb_max', Math.round((Math.max(...Object.values(sizes)) / 1024) * 10) / 10);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const total = Number(process.env.BENCH_CONNECTIONS ?? 100_000);
const posts = Number(process.env.BENCH_POSTS ?? 10_000);
const restorePosts = Number(process.env.BENCH_RESTORE_POSTS ?? posts);
// BENCH_ONLY=retries,load runs a subset (all by default).
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);
if (wanted('scan')) await benchScan(total, 0.01);
if (wanted('scan-scale')) for (const [name, value] of Object.entries(await benchScanScale())) report(name, value);
if (wanted('retries')) await benchRetries(posts, restorePosts);
if (wanted('bundles')) await benchBundles();
// Issue 12: each function's cold import against a one-client handler (alone: npx tsx bench/cold-start.ts).
if (wanted('cold-start')) for (const [name, value] of Object.entries(await benchColdStart())) report(name, value);
if (wanted('steady')) await benchSteadyState(report);
if (wanted('cost')) for (const [name, value] of Object.entries(await benchCost())) report(name, value);
if (wanted('load')) await benchLoad(report);
const resultsFile = new URL('./results.json', import.meta.url);
// A partial run (BENCH_ONLY) updates its own figures and keeps the others.
const previous = only && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, number | string>) : {};
writeFileSync(resultsFile, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
process.exit(0);
