import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { randomUUID } from 'node:crypto';
import { minLength, object, optional, string, url } from 'zod/mini';
import { ENV, type FUNCTIONS, type FunctionName } from '../../../shared/config/functions.js';
import { QUEUES, queueUrlEnv, type QueueKey } from '../../../shared/config/messaging.js';
import { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import { EnvelopeTokenCipher, type DataKeyProvider } from '../../../shared/adapters/token-cipher.js';
import type { EventBus, Mailer, QueueSender } from '../../../shared/ports/misc.js';
import type { PlatformRegistry } from '../../../shared/ports/platform.js';
import type { Deps } from '../../../shared/use-cases/deps.js';
import { asLog, logger, metrics, type BuiltDeps } from '../runtime.js';

/*
 * Each entry file wires the adapters its spec (shared/config/functions.ts) grants, and only those:
 * a function's bundle then holds, and its cold start loads, the SDK clients and libraries it uses
 * and no other (test/infra/bundle-imports.test.ts reads every bundle's imports). The table is the
 * one thing every function reads, so it is always here.
 */

/** The platform registry over the app credentials in a secret (./platform-credentials.ts). */
export interface PlatformWiring {
  /**
   * The registry, and `refresh`, run before each invocation: it picks up a rotated secret (from the
   * cache: no call while warm) and returns the registry to use from then on.
   */
  connect: (secretName: string) => Promise<{ registry: PlatformRegistry; refresh: () => Promise<PlatformRegistry> }>;
}

export interface Wiring {
  bus: (busName: string) => EventBus;
  queues: (urlOf: (queue: QueueKey) => string) => QueueSender;
  mailer: (from: string, configurationSet: string | undefined) => Mailer;
  dataKeys: (keyId: string) => DataKeyProvider;
  platforms: PlatformWiring;
  idempotency: (client: DynamoDBClient, tableName: string) => BasePersistenceLayer;
}

type Spec<N extends FunctionName> = (typeof FUNCTIONS)[N];
type NonEmpty<T> = T extends readonly [] ? false : true;
/** Required when the spec grants it, absent when it does not. */
type Granted<G, K extends keyof Wiring> = G extends true ? Pick<Wiring, K> : { [P in K]?: never };

/** The wiring a function must give, read from its spec's literal type: the compiler holds each entry to its spec. */
export type WiringFor<N extends FunctionName> = Granted<Spec<N>['putsEvents'], 'bus'> &
  Granted<NonEmpty<Spec<N>['sendsTo']>, 'queues'> &
  Granted<Spec<N>['sendsEmail'], 'mailer'> &
  Granted<NonEmpty<Spec<N>['tokenKey']>, 'dataKeys'> &
  Granted<Spec<N>['usesPlatformSecrets'], 'platforms'> &
  Partial<Pick<Wiring, 'idempotency'>>;

/** Environment, parsed on the first invocation: a missing variable fails fast with its name. */
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

/** A port the function's spec does not grant: any use fails with why (in AWS its role would refuse the call). */
function refused<T extends object>(name: FunctionName, what: string): T {
  return new Proxy({} as T, {
    get: (_target, property) => {
      throw new Error(`${name} may not ${what} (${String(property)}): its spec in shared/config/functions.ts does not grant it`);
    },
  });
}

const NO_KEY: DataKeyProvider = {
  keyId: 'none',
  generate: () => Promise.reject(new Error('This function has no token key')),
  decrypt: () => Promise.reject(new Error('This function has no token key')),
};

/** The real adapters of function `name`, from the environment the CDK stack sets and the wiring its entry gives. */
export function awsDeps<N extends FunctionName>(name: N, wiring: WiringFor<N>): () => Promise<BuiltDeps> {
  const w = wiring as Partial<Wiring>;
  return async () => {
    const env = envSchema.parse(process.env);
    const tableName = env[ENV.tableName]!;
    const dynamo = new DynamoDBClient({});
    const secretName = env[ENV.platformSecretsName];
    const keyId = env[ENV.tokenKeyId];
    const platforms = w.platforms && secretName ? await w.platforms.connect(secretName) : undefined;
    const deps: Deps = {
      store: new DynamoStore(dynamo, tableName),
      bus: w.bus ? w.bus(env[ENV.eventBusName]!) : refused(name, 'put events'),
      queues: w.queues
        ? w.queues((key) => {
            const queueUrl = process.env[queueUrlEnv(key)];
            if (!queueUrl) throw new Error(`${queueUrlEnv(key)} is not set: this function may not send to ${QUEUES[key].name}`);
            return queueUrl;
          })
        : refused(name, 'send to queues'),
      mailer: w.mailer ? w.mailer(env[ENV.senderEmail] ?? 'alerts@flamel.ai', env[ENV.sesConfigurationSet]) : refused(name, 'send email'),
      cipher: new EnvelopeTokenCipher(w.dataKeys && keyId ? w.dataKeys(keyId) : NO_KEY),
      platforms: platforms?.registry ?? refused<PlatformRegistry>(name, 'call the platforms'),
      clock: { now: () => new Date() },
      ids: { newId: () => randomUUID() },
      config: { dashboardOrigin: env[ENV.dashboardOrigin]!, apiBaseUrl: env[ENV.apiBaseUrl]! },
      log: asLog(logger),
      metrics,
    };
    // Use cases read deps.platforms at call time, so swapping the registry reaches every handler.
    const refreshPlatforms = async () => {
      if (platforms) deps.platforms = await platforms.refresh();
    };
    const idempotency = w.idempotency ? w.idempotency(dynamo, tableName) : refused<BasePersistenceLayer>(name, 'keep idempotency records');
    return { deps, extras: { idempotency }, refreshPlatforms };
  };
}
