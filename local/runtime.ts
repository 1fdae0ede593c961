import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { randomUUID } from 'node:crypto';
import { createApiHandler } from '../functions/http/api.js';
import { createOAuthCallbackHandler } from '../functions/http/oauth-callback.js';
import { asLog, logger } from '../functions/lib/runtime.js';
import { idempotencyLayer } from '../functions/lib/aws/idempotency.js';
import { createAlertsHandler } from '../functions/queues/alerts.js';
import { createExpiryCheckHandler } from '../functions/queues/expiry-check.js';
import { createScanSegmentHandler } from '../functions/queues/scan-segment.js';
import { createPostRetriesHandler } from '../functions/queues/post-retries.js';
import { createPublishHandler } from '../functions/queues/publish.js';
import { DynamoStore } from '../shared/adapters/aws/dynamo-store.js';
import { EventBridgeBus } from '../shared/adapters/aws/event-bus.js';
import { SesMailer } from '../shared/adapters/aws/ses-mailer.js';
import { SqsQueueSender } from '../shared/adapters/aws/sqs-sender.js';
import { createPlatformRegistry } from '../shared/adapters/platforms/index.js';
import { EnvelopeTokenCipher, LocalKeyFileProvider } from '../shared/adapters/token-cipher.js';
import { FUNCTIONS, type FunctionName } from '../shared/config/functions.js';
import type { QueueKey } from '../shared/config/messaging.js';
import type { Deps } from '../shared/use-cases/deps.js';
import type { ReconcileSummary } from '../shared/use-cases/reconcile.js';
import { LocalAuth } from './auth.js';
import { chaoticBus, chaoticQueues } from './runtime/delivery.js';
import { localRoutes } from './runtime/local-routes.js';
import { startLocalSchedules } from './runtime/schedules.js';
import { createRouter, listen, serve } from './runtime/server.js';
import { STATE_FILES, StateDir } from './runtime/state.js';
import { createSandbox, sandboxPlatformsConfig, type Sandbox, type SandboxOptions, type SandboxSnapshot } from './sandbox/index.js';
import { createMovableClock, type MovableClock } from './services/clock.js';
import { ensureTable, localDynamoClient, startDynalite, type LocalDynamo } from './services/dynamo.js';
import { startLocalEmail, type LocalEmail } from './services/email.js';
import { startLocalEventBus, type LocalEventBus } from './services/event-bus.js';
import { createLocalEventSourceMappings, type LocalEventSourceMappings, type QueueConsumer, type SqsBatchHandler } from './services/event-source-mapping.js';
import { depsForFunction, guardDynamoClient } from './services/function-permissions.js';
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

/**
 * The whole system in one Node process: the same Lambda handlers behind a small HTTP router that
 * builds API Gateway v2 events (./runtime/server.ts), dynalite for the table, fauxqs for the queues
 * (polled by a local event-source mapping), an EventBridge PutEvents endpoint with the stack's rules,
 * aws-ses-v2-local for email, a movable clock driving the scheduled handlers (./runtime/schedules.ts),
 * the sandbox platforms, the dashboard and the /local controls (./runtime/local-routes.ts).
 * With `--data DIR` its state survives a restart (./runtime/state.ts).
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const state = new StateDir(opts.dataDir);
  // With a data folder the clock keeps how far it was moved: what was stored at that time stays in its past.
  const savedClock = state.read<{ offsetMs: number }>(STATE_FILES.clock);
  const clock = createMovableClock(savedClock && savedClock.offsetMs > 0 ? new Date(Date.now() + savedClock.offsetMs) : undefined);
  const saveClock = () => state.write(STATE_FILES.clock, { offsetMs: clock.offsetMs() });
  const dynamoPath = state.path(STATE_FILES.dynamo);
  const dynamo: LocalDynamo = await startDynalite(dynamoPath ? { path: dynamoPath } : {});
  const dynamoClient = localDynamoClient(dynamo.endpoint);
  await ensureTable(dynamoClient, TABLE_NAME);
  // Long enough for a large retry fan-out to finish before its message would reappear.
  const visibility = opts.visibilityTimeoutSeconds ?? 30;
  // With a data folder every accepted message is on disk before its send is answered (kill -9 loses none).
  const journalFile = state.path(STATE_FILES.queueJournal);
  const queues = await startLocalQueues({ visibilityTimeoutSeconds: () => visibility, ...(journalFile ? { journalFile } : {}) });
  const email = await startLocalEmail();
  const bus = await startLocalEventBus({ sqs: queues.sqsClient(), queueUrl: (k: QueueKey) => queues.queueUrl(k), clock });

  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(opts.port ?? 3000);
  } catch (error) {
    // The port is taken (or bad): what was started so far stops, and the caller gets the reason.
    await bus.stop();
    await queues.stop();
    await email.stop();
    dynamoClient.destroy();
    await dynamo.stop();
    throw error;
  }
  const { server, url } = listening;

  // The sandbox platforms remember their accounts and the tokens they issued, so connections keep working after a restart.
  const savedSandbox = state.read<SandboxSnapshot>(STATE_FILES.sandbox);
  const sandbox = createSandbox({ clock, callbackBaseUrl: url, ...opts.sandbox, ...(savedSandbox ? { restore: savedSandbox } : {}) });
  let sandboxSavedAt = sandbox.changes();
  const saveSandbox = () => {
    if (sandbox.changes() === sandboxSavedAt) return;
    sandboxSavedAt = sandbox.changes();
    state.write(STATE_FILES.sandbox, sandbox.snapshot());
  };
  const sandboxSaver = state.persistent ? setInterval(saveSandbox, 1000) : undefined;
  sandboxSaver?.unref();
  const localCreds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const eventBridge = new EventBridgeClient({ endpoint: bus.endpoint, ...localCreds });
  const ses = new SESv2Client({ endpoint: email.endpoint, ...localCreds });
  const sender = new SqsQueueSender(queues.sqsClient(), (k) => queues.queueUrl(k));
  const metrics = new CountingMetrics();
  const deps: Deps = {
    store: new DynamoStore(dynamoClient, TABLE_NAME),
    bus: chaoticBus(new EventBridgeBus(eventBridge, 'flamel-local'), opts),
    queues: chaoticQueues(sender, opts),
    mailer: new SesMailer(ses, 'alerts@flamel.local'),
    cipher: new EnvelopeTokenCipher(new LocalKeyFileProvider(state.key('token'))),
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
  const auth = new LocalAuth(state.key('session'), clock);

  const mappings: LocalEventSourceMappings = createLocalEventSourceMappings({
    queues,
    handlers: wrapHandlers(
      {
        scanSegment: createScanSegmentHandler(depsOf('scanSegment')),
        expiryCheck: createExpiryCheckHandler(depsOf('expiryCheck')),
        alerts: createAlertsHandler(depsOf('alerts')),
        postRetries: createPostRetriesHandler(depsOf('postRetries')),
        publish: createPublishHandler(depsOf('publish'), { idempotency: idempotencyLayer(functionDeps.publish.client, TABLE_NAME) }),
      },
      opts.wrapQueueHandler,
    ),
    waitTimeSeconds: 1,
    awsConcurrency: opts.awsConcurrency ?? false,
    onError: (error, queue) => deps.log.error('local event-source mapping error', { queue, error: String(error) }),
  });

  // Anything that moves a message: a send, a batch received or finished, an event accepted or delivered.
  const activity = () => sender.requests + mappings.activity() + bus.activity();
  /**
   * Waits until nothing is queued, delivered or handled: two rounds in a row that find every queue
   * empty, no delivery pending, no batch in flight, and no activity between the round's start and
   * end (a queue read empty while a handler was sending to it and then deleting its own message does
   * not pass for quiet: the send or the finished batch moved the count).
   */
  async function drain(timeoutMs = 120_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let quietRounds = 0;
    while (Date.now() < deadline) {
      const before = activity();
      await bus.settled();
      const pending = await queues.pendingMessages();
      const quiet = pending === 0 && bus.pendingDeliveries() === 0 && mappings.idle() && activity() === before;
      if (quiet) {
        if (++quietRounds >= 2) return true;
      } else {
        quietRounds = 0;
      }
      await new Promise((r) => setTimeout(r, quiet ? 10 : 25));
    }
    return false;
  }

  const schedules = startLocalSchedules({
    clock,
    depsOf,
    store: deps.store,
    log: deps.log,
    drain: () => drain(),
    dailyScan: opts.dailyScan !== false,
    publishDueEveryMs: opts.publishDueEveryMs ?? 5000,
  });

  const route = createRouter({
    localRoutes: localRoutes({ auth, clock, clockMoved: saveClock, schedules, drain: () => drain(), email, bus, metrics }),
    sandbox,
    sandboxChanged: saveSandbox,
    auth,
    clock,
    httpFunctions: { api: createApiHandler(depsOf('api')), oauthCallback: createOAuthCallbackHandler(depsOf('oauthCallback')) },
  });
  const serving = serve(server, url, route, deps.log);

  // Messages an older version kept at its stop go back on their queues (and into the journal).
  const savedQueues = state.read<QueueSnapshot>(STATE_FILES.queues);
  if (savedQueues) {
    await queues.restore(savedQueues);
    state.remove(STATE_FILES.queues);
  }

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

  let stopping: Promise<void> | undefined;
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
    reconcile: () => schedules.reconcile(),
    drain,
    stop: () =>
      (stopping ??= (async () => {
        // Once a stop begins nothing new is acknowledged; the sandbox keeps answering the handlers finishing their batch.
        serving.stopAccepting();
        await schedules.stop();
        // Requests already being answered finish (what they acknowledge is on the bus or the queues).
        await serving.settled();
        // Handlers finish their batch in flight; what they acknowledged is deleted, the rest stays queued.
        await mappings.stop();
        await bus.stop();
        if (state.persistent) {
          // What is still queued is in the queue journal already, and goes back on its queues at the next start.
          if (sandboxSaver) clearInterval(sandboxSaver);
          sandboxSavedAt = -1;
          saveSandbox();
          saveClock();
        }
        await serving.close();
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
