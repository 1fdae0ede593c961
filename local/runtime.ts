import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { createAlertsHandler } from '../functions/queues/alerts.js';
import { createExpiryCheckHandler } from '../functions/queues/expiry-check.js';
import { createPostRetriesHandler } from '../functions/queues/post-retries.js';
import { createPublishHandler } from '../functions/queues/publish.js';
import { createApiHandler } from '../functions/http/api.js';
import { createDigestHandler } from '../functions/scheduled/digest.js';
import { createOAuthCallbackHandler } from '../functions/http/oauth-callback.js';
import { API_SECURITY_HEADERS } from '../functions/lib/http.js';
import { asLog, logger } from '../functions/lib/runtime.js';
import { idempotencyLayer } from '../functions/lib/aws/idempotency.js';
import { DynamoStore } from '../shared/adapters/aws/dynamo-store.js';
import { EventBridgeBus } from '../shared/adapters/aws/event-bus.js';
import { SesMailer } from '../shared/adapters/aws/ses-mailer.js';
import { SqsQueueSender } from '../shared/adapters/aws/sqs-sender.js';
import { createPlatformRegistry } from '../shared/adapters/platforms/index.js';
import { EnvelopeTokenCipher, LocalKeyFileProvider } from '../shared/adapters/token-cipher.js';
import { FUNCTIONS, type FunctionName } from '../shared/config/functions.js';
import { DAILY_SCAN, RECONCILE, type QueueKey } from '../shared/config/messaging.js';
import { METRICS_NAMESPACE } from '../shared/config/metrics.js';
import { ROUTES, matchPath, routeKeyOf } from '../shared/config/routes.js';
import type { Deps } from '../shared/use-cases/deps.js';
import { enqueueDuePosts } from '../shared/use-cases/posts.js';
import { reconcileStrandedWork, type ReconcileSummary } from '../shared/use-cases/reconcile.js';
import { findConnectionsDueForCheck, scanRunSummary } from '../shared/use-cases/scan.js';
import { fromHttpApiResult, lambdaContext, toHttpApiEvent } from './api-gateway.js';
import { LocalAuth } from './auth.js';
import { serveDashboard } from './dashboard.js';
import type { LocalRequest, LocalResponse } from './http-types.js';
import { createSandbox, sandboxPlatformsConfig, type Sandbox, type SandboxOptions, type SandboxSnapshot } from './sandbox/index.js';
import { createMovableClock, startDailyTimer, type DailyTimer, type MovableClock } from './services/clock.js';
import { ensureTable, localDynamoClient, startDynalite, type LocalDynamo } from './services/dynamo.js';
import { startLocalEmail, type LocalEmail } from './services/email.js';
import { startLocalEventBus, type LocalEventBus } from './services/event-bus.js';
import { depsForFunction, guardDynamoClient } from './services/function-permissions.js';
import { createLocalEventSourceMappings, type LocalEventSourceMappings, type QueueConsumer, type SqsBatchHandler } from './services/event-source-mapping.js';
import { CountingMetrics } from './services/metrics.js';
import { startLocalQueues, type LocalQueues, type QueueSnapshot } from './services/queues.js';

export interface LocalRuntimeOptions {
  /** 3000 by default (PORT overrides in main.ts); 0 = a free port. */
  port?: number;
  /** Keep the store in this folder (dynalite on disk) so state survives a restart; default in memory. */
  dataDir?: string;
  /** Seconds a failed message stays hidden before it is retried (AWS: the spec; locally 30 by default). */
  visibilityTimeoutSeconds?: number;
  /** Fire the daily scan when the local clock crosses its hour (default true). */
  dailyScan?: boolean;
  /** Publish scheduled posts whose time has come every this many ms (default 5000; 0 = only on /local/publish-due). */
  publishDueEveryMs?: number;
  /** Replace a platform call path (tests: count or break requests). */
  fetchImpl?: typeof fetch;
  /** Tests: deliver every event and queue message twice (at-least-once, at its worst). */
  duplicateEverything?: boolean;
  /** Tests: send each event and queue message on its own after a random delay (up to this many ms), so they arrive in shuffled order. */
  shuffleDeliveriesMs?: number;
  /** Tests: as many concurrent batches per queue as AWS allows (QUEUES[...].maxConcurrency). */
  awsConcurrency?: boolean;
  /** Sandbox platform settings (e.g. a LinkedIn app without refresh tokens). */
  sandbox?: Pick<SandboxOptions, 'linkedinRefreshTokens' | 'linkedinReconsentRestarts'>;
  /** Tests: wrap a queue consumer (e.g. to crash it in the middle of a batch). */
  wrapQueueHandler?: (consumer: QueueConsumer, handler: SqsBatchHandler) => SqsBatchHandler;
}

export interface LocalRuntime {
  url: string;
  clock: MovableClock;
  deps: Deps;
  sandbox: Sandbox;
  queues: LocalQueues;
  bus: LocalEventBus;
  email: LocalEmail;
  /** The counts CloudWatch would hold (also at GET /local/metrics). */
  metrics: CountingMetrics;
  sqsRequests(): number;
  /** Tests: every item of the table, as stored (to prove a refused request wrote nothing). */
  tableItems(): Promise<Record<string, unknown>[]>;
  /** One run of the reconciliation now, as its schedule runs it (the function's own permissions). */
  reconcile(): Promise<ReconcileSummary>;
  /** Resolves once every queue is empty, every event delivered and no handler runs. */
  drain(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

const TABLE_NAME = 'flamel-connections';
const MAX_REQUEST_BYTES = 1024 * 1024;
/** How much of a too-large body is read and thrown away so the 413 can be answered cleanly. */
const MAX_DRAINED_BYTES = 16 * MAX_REQUEST_BYTES;

/**
 * What `--data DIR` keeps besides the table and the keys: the local clock, the sandbox platforms, and
 * the queues' messages (a journal written as they change; `queues.json` is what older versions wrote at a stop).
 */
const STATE_FILES = { clock: 'clock.json', sandbox: 'sandbox.json', queues: 'queues.json', queueJournal: 'queues.journal' } as const;

function readState<T>(dataDir: string | undefined, name: string): T | undefined {
  if (!dataDir) return undefined;
  const file = join(dataDir, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Written whole or not at all (a crash mid-write leaves the previous file). */
function writeState(dataDir: string | undefined, name: string, value: unknown): void {
  if (!dataDir) return;
  const file = join(dataDir, name);
  writeFileSync(`${file}.tmp`, JSON.stringify(value), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

function loadOrCreateKey(dataDir: string | undefined, name: string): Buffer {
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, name);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}

/**
 * The request body, or undefined when it is larger than MAX_REQUEST_BYTES. A too-large body is still
 * read to its end (up to a bound) so the answer reaches the client on a connection left usable.
 */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DRAINED_BYTES) break; // a hostile stream: stop reading (the socket is dropped)
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

function jsonResponse(status: number, body: unknown): LocalResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
function errorResponse(status: number, code: string, message: string): LocalResponse {
  return jsonResponse(status, { error: { code, message } });
}
/** What CloudFront's API response headers policy does: adds the API's security headers a handler did not set. */
function withApiHeaders(response: LocalResponse): LocalResponse {
  return { ...response, headers: { ...API_SECURITY_HEADERS, ...response.headers } };
}

/** At-least-once at its worst (tests): every event twice, and/or each on its own after a random delay. */
function chaoticBus(bus: Deps['bus'], opts: LocalRuntimeOptions): Deps['bus'] {
  if (!opts.duplicateEverything && !opts.shuffleDeliveriesMs) return bus;
  return {
    publish: async (events) => {
      const all = opts.duplicateEverything ? events.flatMap((e) => [e, e]) : events;
      if (!opts.shuffleDeliveriesMs) return bus.publish(all);
      await Promise.all(all.map(async (e) => { await randomDelay(opts.shuffleDeliveriesMs ?? 0); await bus.publish([e]); }));
    },
  };
}

function chaoticQueues(queues: Deps['queues'], opts: LocalRuntimeOptions): Deps['queues'] {
  if (!opts.duplicateEverything && !opts.shuffleDeliveriesMs) return queues;
  return {
    sendBatch: async (q, bodies) => {
      const all = opts.duplicateEverything ? bodies.flatMap((b) => [b, b]) : bodies;
      if (!opts.shuffleDeliveriesMs) return queues.sendBatch(q, all);
      await Promise.all(all.map(async (b) => { await randomDelay(opts.shuffleDeliveriesMs ?? 0); await queues.sendBatch(q, [b]); }));
    },
  };
}

function randomDelay(maxMs: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.floor(Math.random() * maxMs)));
}

/**
 * The whole system in one Node process: the same Lambda handlers behind a small HTTP router that
 * builds API Gateway v2 events, dynalite for the table, fauxqs for the queues (polled by a local
 * event-source mapping), an EventBridge PutEvents endpoint with the stack's rules, aws-ses-v2-local
 * for email, a movable clock, the sandbox platforms and the dashboard.
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const dataDir = opts.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // With a data folder the clock keeps how far it was moved: what was stored at that time stays in its past.
  const savedClock = readState<{ offsetMs: number }>(dataDir, STATE_FILES.clock);
  const clock = createMovableClock(savedClock && savedClock.offsetMs > 0 ? new Date(Date.now() + savedClock.offsetMs) : undefined);
  const saveClock = () => writeState(dataDir, STATE_FILES.clock, { offsetMs: clock.offsetMs() });
  const dynamo: LocalDynamo = await startDynalite(opts.dataDir ? { path: join(opts.dataDir, 'dynamo') } : {});
  const dynamoClient = localDynamoClient(dynamo.endpoint);
  await ensureTable(dynamoClient, TABLE_NAME);
  // Long enough for a large retry fan-out to finish before its message would reappear.
  const visibility = opts.visibilityTimeoutSeconds ?? 30;
  // With a data folder every accepted message is on disk before its send is answered (kill -9 loses none).
  const queues = await startLocalQueues({ visibilityTimeoutSeconds: () => visibility, ...(dataDir ? { journalFile: join(dataDir, STATE_FILES.queueJournal) } : {}) });
  const email = await startLocalEmail();
  const bus = await startLocalEventBus({ sqs: queues.sqsClient(), queueUrl: (k: QueueKey) => queues.queueUrl(k), clock });

  // Longer than clients' keep-alive, so an idle socket is never closed just as a client reuses it
  // (the race that shows up as ECONNRESET under load).
  const server: Server = createServer();
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 3000, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    // The port is taken (or bad): what was started so far stops, and the caller gets the reason.
    await bus.stop();
    await queues.stop();
    await email.stop();
    dynamoClient.destroy();
    await dynamo.stop();
    throw error;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The sandbox platforms remember their accounts and the tokens they issued, so connections keep working after a restart.
  const savedSandbox = readState<SandboxSnapshot>(dataDir, STATE_FILES.sandbox);
  const sandbox = createSandbox({ clock, callbackBaseUrl: url, ...opts.sandbox, ...(savedSandbox ? { restore: savedSandbox } : {}) });
  let sandboxSavedAt = sandbox.changes();
  const saveSandbox = () => {
    if (sandbox.changes() === sandboxSavedAt) return;
    sandboxSavedAt = sandbox.changes();
    writeState(dataDir, STATE_FILES.sandbox, sandbox.snapshot());
  };
  const sandboxSaver = dataDir ? setInterval(saveSandbox, 1000) : undefined;
  sandboxSaver?.unref();
  const localCreds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const eventBridge = new EventBridgeClient({ endpoint: bus.endpoint, ...localCreds });
  const ses = new SESv2Client({ endpoint: email.endpoint, ...localCreds });
  const sender = new SqsQueueSender(queues.sqsClient(), (k) => queues.queueUrl(k));
  const realBus = new EventBridgeBus(eventBridge, 'flamel-local');
  const metrics = new CountingMetrics();
  const deps: Deps = {
    store: new DynamoStore(dynamoClient, TABLE_NAME),
    bus: chaoticBus(realBus, opts),
    queues: chaoticQueues(sender, opts),
    mailer: new SesMailer(ses, 'alerts@flamel.local'),
    cipher: new EnvelopeTokenCipher(new LocalKeyFileProvider(loadOrCreateKey(opts.dataDir, 'token-master.key'))),
    platforms: createPlatformRegistry(sandboxPlatformsConfig(url, { clock, tiktokPoll: { attempts: 5, intervalMs: 50 }, instagramPoll: { attempts: 5, intervalMs: 50 } }), opts.fetchImpl ?? fetch),
    clock,
    ids: { newId: () => randomUUID() },
    config: { dashboardOrigin: url, apiBaseUrl: url, mediaOrigins: [new URL(url).origin] },
    log: asLog(logger),
    metrics,
  };
  // Each function gets its own table client and ports, limited to what its spec (its IAM role in AWS) allows.
  const functionClients: DynamoDBClient[] = [];
  const functionDeps = Object.fromEntries(
    (Object.keys(FUNCTIONS) as FunctionName[]).map((fn) => {
      const client = guardDynamoClient(fn, localDynamoClient(dynamo.endpoint));
      functionClients.push(client);
      return [fn, { deps: depsForFunction(fn, deps, new DynamoStore(client, TABLE_NAME)), client }];
    }),
  ) as Record<FunctionName, { deps: Deps; client: DynamoDBClient }>;
  const depsOf = (fn: FunctionName) => functionDeps[fn].deps;
  const extras = { idempotency: idempotencyLayer(functionDeps.publish.client, TABLE_NAME) };
  const auth = new LocalAuth(loadOrCreateKey(opts.dataDir, 'session.key'), clock);
  const httpFunctions = { api: createApiHandler(depsOf('api')), oauthCallback: createOAuthCallbackHandler(depsOf('oauthCallback')) };
  const digestHandler = createDigestHandler(depsOf('digest'));

  const mappings: LocalEventSourceMappings = createLocalEventSourceMappings({
    queues,
    handlers: wrapHandlers(
      {
        expiryCheck: createExpiryCheckHandler(depsOf('expiryCheck')),
        alerts: createAlertsHandler(depsOf('alerts')),
        postRetries: createPostRetriesHandler(depsOf('postRetries')),
        publish: createPublishHandler(depsOf('publish'), extras),
      },
      opts.wrapQueueHandler,
    ),
    waitTimeSeconds: 1,
    awsConcurrency: opts.awsConcurrency ?? false,
    onError: (error, queue) => deps.log.error('local event-source mapping error', { queue, error: String(error) }),
  });

  async function drain(timeoutMs = 120_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let quietRounds = 0;
    while (Date.now() < deadline) {
      await bus.settled();
      const pending = await queues.pendingMessages();
      if (pending === 0 && bus.pendingDeliveries() === 0 && mappings.idle()) {
        if (++quietRounds >= 3) return true;
      } else {
        quietRounds = 0;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  let scanning: Promise<unknown> = Promise.resolve();
  async function runScan() {
    const run = scanning.then(async () => {
      const { runId } = await findConnectionsDueForCheck(depsOf('expiryScan'));
      await drain();
      return scanRunSummary(deps, runId);
    });
    scanning = run.catch(() => undefined);
    return run;
  }

  const dailyTimer: DailyTimer | undefined =
    opts.dailyScan === false
      ? undefined
      : startDailyTimer(clock, DAILY_SCAN.hourUtc, async (scheduledAt) => {
          // A jump of several days fires once per day; scanning "now" once covers them all.
          if (clock.now().getTime() - scheduledAt.getTime() > 86_400_000) return;
          await runScan();
        });
  // The reconciliation rides on publish-due's timer: one run (never two at once) whenever
  // RECONCILE.everyMinutes of local time passed since the last one, as its schedule does in AWS.
  let reconciling: Promise<unknown> = Promise.resolve();
  const reconcile = () => {
    const run = reconciling.then(() => reconcileStrandedWork(depsOf('reconcile')));
    reconciling = run.catch((error: unknown) => deps.log.error('local reconciliation failed', { error: String(error) }));
    return run;
  };
  let reconciledAt = clock.now().getTime();
  const publishEvery = opts.publishDueEveryMs ?? 5000;
  const publishTimer =
    publishEvery > 0
      ? setInterval(() => {
          void enqueueDuePosts(depsOf('publishDue')).catch(() => undefined);
          if (clock.now().getTime() - reconciledAt < RECONCILE.everyMinutes * 60_000) return;
          reconciledAt = clock.now().getTime();
          void reconcile().catch(() => undefined);
        }, publishEvery)
      : undefined;

  const localRoutes: Record<string, (req: LocalRequest) => Promise<LocalResponse>> = {
    'POST /local/login': async (req) => {
      const parsed = z.object({ userId: z.string().min(1).max(128), email: z.string().email() }).safeParse(safeJson(req.body));
      if (!parsed.success) return errorResponse(400, 'VALIDATION_FAILED', 'Send {"userId": "...", "email": "..."}.');
      return jsonResponse(200, { token: await auth.issue(parsed.data.userId, parsed.data.email) });
    },
    'POST /local/scan': async () => jsonResponse(200, await runScan()),
    'POST /local/publish-due': async () => {
      const out = await enqueueDuePosts(depsOf('publishDue'));
      await drain();
      return jsonResponse(200, out);
    },
    'POST /local/drain': async () => ((await drain()) ? jsonResponse(200, { drained: true }) : errorResponse(504, 'INTERNAL', 'Work is still in flight after 120 s.')),
    'POST /local/clock': async (req) => {
      const parsed = z.object({ advanceDays: z.number().min(0).max(3650) }).safeParse(safeJson(req.body));
      if (!parsed.success) return errorResponse(400, 'VALIDATION_FAILED', 'Send {"advanceDays": <number of days, 0 to 3650>}.');
      clock.advanceDays(parsed.data.advanceDays);
      saveClock();
      return jsonResponse(200, { now: clock.now().toISOString() });
    },
    'GET /local/clock': async () => jsonResponse(200, { now: clock.now().toISOString() }),
    'GET /local/outbox': async () => jsonResponse(200, { emails: await email.outbox() }),
    'GET /local/events': async () => jsonResponse(200, { events: bus.events() }),
    'GET /local/metrics': async () => jsonResponse(200, { namespace: METRICS_NAMESPACE, metrics: metrics.snapshot() }),
    // The weekly digest now (its Scheduler schedule in AWS): the deployed handler's factory, its own permissions.
    'POST /local/digest': async () => jsonResponse(200, await digestHandler(undefined, lambdaContext('digest', FUNCTIONS.digest.timeoutSeconds))),
  };

  async function route(req: LocalRequest): Promise<LocalResponse> {
    const local = localRoutes[`${req.method} ${req.path}`];
    if (local) return local(req);
    if (req.path.startsWith('/sandbox/')) {
      const answer = (await sandbox.route(req)) ?? errorResponse(404, 'NOT_FOUND', 'No such sandbox route.');
      // A platform keeps what it answered (a post, the tokens it issued) whatever happens to us: with a
      // data folder the sandbox writes what a changing call did before answering it, not a second later.
      if (req.method !== 'GET') saveSandbox();
      return answer;
    }
    if (req.path === '/' || req.path === '/app' || req.path.startsWith('/app/')) return serveDashboard(req);
    for (const spec of ROUTES) {
      if (spec.method !== req.method) continue;
      const params = matchPath(spec.path, req.path);
      if (!params) continue;
      let claims;
      if (spec.auth) {
        claims = await auth.verify(req.headers.authorization);
        // What the HTTP API's JWT authorizer answers before any Lambda runs.
        if (!claims) return withApiHeaders(errorResponse(401, 'UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token> (locally from POST /local/login).'));
      }
      const event = toHttpApiEvent(req, routeKeyOf(spec), params, claims, clock.now());
      const fn = httpFunctions[spec.fn];
      const result = await fn(event, lambdaContext(spec.fn, FUNCTIONS[spec.fn].timeoutSeconds));
      return withApiHeaders(fromHttpApiResult(result));
    }
    return errorResponse(404, 'NOT_FOUND', `No route ${req.method} ${req.path}.`);
  }

  // Once a stop begins nothing new is acknowledged; the sandbox keeps answering the handlers finishing their batch.
  let closing = false;
  const inFlight = new Set<Promise<void>>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const handled = (async () => {
      let response: LocalResponse;
      try {
        if (closing && !(req.url ?? '').startsWith('/sandbox/')) {
          response = errorResponse(503, 'INTERNAL', 'The local runtime is stopping; start it again and retry.');
          response.headers = { ...response.headers, connection: 'close' };
          res.writeHead(response.status, response.headers);
          res.end(response.body);
          return;
        }
        const body = await readBody(req);
        if (body === undefined) {
          response = errorResponse(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_REQUEST_BYTES / 1024} KB.`);
          // Not worth keeping the connection of a client that sends such bodies.
          response.headers = { ...response.headers, connection: 'close' };
        } else {
          const u = new URL(req.url ?? '/', url);
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
          response = await route({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers, body });
        }
      } catch (error) {
        deps.log.error('local server error', { error: error instanceof Error ? error.stack ?? error.message : String(error) });
        response = errorResponse(500, 'INTERNAL', 'Something went wrong on our side.');
      }
      res.writeHead(response.status, response.headers ?? {});
      res.end(response.body ?? '');
    })();
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });

  // Messages an older version kept at its stop go back on their queues (and into the journal).
  const savedQueues = readState<QueueSnapshot>(dataDir, STATE_FILES.queues);
  if (dataDir && savedQueues) {
    await queues.restore(savedQueues);
    rmSync(join(dataDir, STATE_FILES.queues));
  }

  let stopping: Promise<void> | undefined;
  async function tableItems(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamoClient.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  return {
    url,
    clock,
    deps,
    tableItems,
    sandbox,
    queues,
    bus,
    email,
    metrics,
    sqsRequests: () => sender.requests,
    reconcile,
    drain,
    stop: () =>
      (stopping ??= (async () => {
        closing = true;
        if (publishTimer) clearInterval(publishTimer);
        await dailyTimer?.stop();
        await reconciling;
        // Requests already being answered finish (what they acknowledge is on the bus or the queues).
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        // Handlers finish their batch in flight; what they acknowledged is deleted, the rest stays queued.
        await mappings.stop();
        await bus.stop();
        if (dataDir) {
          // What is still queued is in the queue journal already, and goes back on its queues at the next start.
          if (sandboxSaver) clearInterval(sandboxSaver);
          sandboxSavedAt = -1;
          saveSandbox();
          saveClock();
        }
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        eventBridge.destroy();
        ses.destroy();
        await queues.stop();
        await email.stop();
        dynamoClient.destroy();
        for (const client of functionClients) client.destroy();
        await dynamo.stop();
      })()),
  };
}

function wrapHandlers(
  handlers: Record<QueueConsumer, SqsBatchHandler>,
  wrap: LocalRuntimeOptions['wrapQueueHandler'],
): Record<QueueConsumer, SqsBatchHandler> {
  if (!wrap) return handlers;
  return Object.fromEntries(Object.entries(handlers).map(([k, h]) => [k, wrap(k as QueueConsumer, h)])) as Record<QueueConsumer, SqsBatchHandler>;
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
