import type { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { minLength, object, optional, string, url } from 'zod/mini';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IDEMPOTENCY } from '../../shared/config/table.js';
import { ENV } from '../../shared/config/functions.js';
import { QUEUES, queueUrlEnv, type QueueKey } from '../../shared/config/messaging.js';
import { PLATFORMS, type Platform } from '../../shared/config/platforms.js';
import { DynamoStore } from '../../shared/adapters/aws/dynamo-store.js';
import { EventBridgeBus } from '../../shared/adapters/aws/event-bus.js';
import { KmsDataKeyProvider } from '../../shared/adapters/aws/kms-data-keys.js';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.js';
import { SqsQueueSender } from '../../shared/adapters/aws/sqs-sender.js';
import { createPlatformRegistry, platformsConfig, realPlatformEndpoints, type ClientCredentials } from '../../shared/adapters/platforms/index.js';
import { createLogger } from '../../shared/adapters/logger.js';
import { EmfMetrics } from '../../shared/adapters/powertools-metrics.js';
import { EnvelopeTokenCipher } from '../../shared/adapters/token-cipher.js';
import type { Deps, Log } from '../../shared/use-cases/deps.js';

/** One Powertools logger per process; JSON lines; no secret is ever written (shared/adapters/logger.ts scrubs every line). */
export const logger = createLogger();

/** One Powertools Metrics per process, flushed at the end of each invocation by `logMetrics`. */
export const metrics = new EmfMetrics();

/**
 * Keys of the SQS record being handled. Powertools' batch processor handles a batch's records in
 * parallel, so the logger's process-wide appendKeys would put one record's keys on another's lines:
 * each record runs in its own async context instead (functions/lib/sqs.ts), read by every line.
 */
const recordKeys = new AsyncLocalStorage<Record<string, string | undefined>>();

export function withRecordKeys<T>(keys: Record<string, string | undefined>, task: () => Promise<T>): Promise<T> {
  return recordKeys.run({ ...recordKeys.getStore(), ...keys }, task);
}

/** The use cases' logging port over a Powertools logger: the record's and the caller's correlation keys on every line. */
export function asLog(l: Logger, keys: Record<string, string | undefined> = {}): Log {
  const at = (level: 'info' | 'warn' | 'error' | 'debug') => (message: string, extra?: Record<string, unknown>) => {
    const defined = Object.entries({ ...recordKeys.getStore(), ...keys }).filter(([, v]) => v !== undefined);
    const all = { ...Object.fromEntries(defined), ...extra };
    if (Object.keys(all).length > 0) (l[level] as (m: string, e: object) => void).call(l, message, all);
    else l[level](message);
  };
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), with: (more) => asLog(l, { ...keys, ...more }) };
}

/** Environment, parsed once at cold start: a missing variable fails fast with its name. */
const envSchema = object({
  [ENV.tableName]: string().check(minLength(1)),
  [ENV.eventBusName]: string().check(minLength(1)),
  [ENV.dashboardOrigin]: url(),
  [ENV.apiBaseUrl]: url(),
  [ENV.tokenKeyId]: optional(string()),
  [ENV.platformSecretsName]: optional(string()),
  [ENV.senderEmail]: optional(string()),
  [ENV.sesConfigurationSet]: optional(string()),
});

const clientSchema = object({ clientId: string(), clientSecret: string() });
const credentialsSchema = object({ facebook: clientSchema, instagram: clientSchema, linkedin: clientSchema, tiktok: clientSchema, x: clientSchema });

/** What some handlers need beyond the use cases' ports (the idempotency store lives at the edge). */
export interface HandlerExtras {
  idempotency: BasePersistenceLayer;
}

/** Powertools idempotency records in the service's one table (pk = IDEMPOTENCY#<fn>, sk = key). */
export function idempotencyLayer(client: DynamoDBClient, tableName: string): BasePersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: IDEMPOTENCY.keyAttr,
    sortKeyAttr: IDEMPOTENCY.sortKeyAttr,
    expiryAttr: IDEMPOTENCY.expiryAttr,
    staticPkValue: 'IDEMPOTENCY#publish',
  });
}

const NO_CREDENTIALS = Object.fromEntries(PLATFORMS.map((p) => [p, { clientId: '', clientSecret: '' }])) as Record<Platform, ClientCredentials>;

/**
 * The platforms' app credentials from Secrets Manager, through Powertools parameters' cache: a warm
 * invocation makes no call, and a rotated secret is picked up within `maxAge` seconds.
 */
async function readPlatformCredentials(secretName: string | undefined): Promise<Record<Platform, ClientCredentials>> {
  if (!secretName) return NO_CREDENTIALS;
  return credentialsSchema.parse(await getSecret(secretName, { transform: 'json', maxAge: PLATFORM_SECRET_MAX_AGE_SECONDS }));
}
export const PLATFORM_SECRET_MAX_AGE_SECONDS = 300;

/** Builds the real adapters from the environment the CDK stack sets (shared/config/functions.ts ENV). */
async function awsDeps(): Promise<{ deps: Deps; extras: HandlerExtras; refreshPlatforms: () => Promise<void> }> {
  const env = envSchema.parse(process.env);
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const secretName = env[ENV.platformSecretsName];
  let credentials = await readPlatformCredentials(secretName);
  const keyId = env[ENV.tokenKeyId];
  const deps: Deps = {
    store: new DynamoStore(dynamo, env[ENV.tableName]!),
    bus: new EventBridgeBus(new EventBridgeClient({}), env[ENV.eventBusName]!),
    queues: new SqsQueueSender(sqs, (key: QueueKey) => {
      const url = process.env[queueUrlEnv(key)];
      if (!url) throw new Error(`${queueUrlEnv(key)} is not set: this function may not send to ${QUEUES[key].name}`);
      return url;
    }),
    mailer: new SesMailer(new SESv2Client({}), env[ENV.senderEmail] ?? 'alerts@flamel.ai', env[ENV.sesConfigurationSet]),
    cipher: new EnvelopeTokenCipher(
      keyId
        ? new KmsDataKeyProvider(new KMSClient({}), keyId)
        : {
            keyId: 'none',
            generate: () => Promise.reject(new Error('This function has no token key')),
            decrypt: () => Promise.reject(new Error('This function has no token key')),
          },
    ),
    platforms: createPlatformRegistry(platformsConfig(credentials, realPlatformEndpoints())),
    clock: { now: () => new Date() },
    ids: { newId: () => randomUUID() },
    config: { dashboardOrigin: env[ENV.dashboardOrigin]!, apiBaseUrl: env[ENV.apiBaseUrl]! },
    log: asLog(logger),
    metrics,
  };
  // Use cases read deps.platforms at call time, so swapping the registry reaches every handler.
  const refreshPlatforms = async () => {
    const latest = await readPlatformCredentials(secretName);
    if (JSON.stringify(latest) === JSON.stringify(credentials)) return;
    credentials = latest;
    deps.platforms = createPlatformRegistry(platformsConfig(credentials, realPlatformEndpoints()));
  };
  return { deps, extras: { idempotency: idempotencyLayer(dynamo, env[ENV.tableName]!) }, refreshPlatforms };
}

/**
 * The Lambda entry point for a handler factory: dependencies are built once per container, on the
 * first invocation (the local runtime calls the same factories with local adapters instead). A
 * failed build (a passing Secrets Manager error) is not kept: the next invocation tries again.
 * Each invocation re-reads the platform credentials from the parameters cache (no call while warm).
 */
export function lazyHandler<E, R>(
  factory: (deps: Deps, extras: HandlerExtras) => (event: E, context: Context) => Promise<R>,
  build: typeof awsDeps = awsDeps,
): (event: E, context: Context) => Promise<R> {
  let built: Promise<{ handler: (event: E, context: Context) => Promise<R>; refreshPlatforms: () => Promise<void> }> | undefined;
  return async (event, context) => {
    const current = (built ??= build().then(({ deps, extras, refreshPlatforms }) => ({ handler: factory(deps, extras), refreshPlatforms })));
    let ready;
    try {
      ready = await current;
    } catch (error) {
      if (built === current) built = undefined;
      throw error;
    }
    await ready.refreshPlatforms();
    return ready.handler(event, context);
  };
}
