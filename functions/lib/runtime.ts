import type { Logger } from '@aws-lambda-powertools/logger';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createLogger } from '../../shared/adapters/logger.js';
import { EmfMetrics } from '../../shared/adapters/powertools-metrics.js';
import type { Deps, Log } from '../../shared/use-cases/deps.js';

/*
 * What every handler shares, and nothing more: no SDK client is imported here. Each entry file wires
 * the AWS adapters its spec grants (./aws/deps.ts), so a function loads only the clients it uses.
 */

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

/** What some handlers need beyond the use cases' ports (the idempotency store lives at the edge). */
export interface HandlerExtras {
  idempotency: BasePersistenceLayer;
}

/** A function's dependencies, built on its first invocation (./aws/deps.ts in AWS). */
export interface BuiltDeps {
  deps: Deps;
  extras: HandlerExtras;
  /** Re-reads the platform credentials (from the parameters cache: no call while warm). */
  refreshPlatforms: () => Promise<void>;
}

/**
 * The Lambda entry point for a handler factory: dependencies are built once per container, on the
 * first invocation (the local runtime calls the same factories with local adapters instead). A
 * failed build (a passing Secrets Manager error) is not kept: the next invocation tries again.
 * Each invocation re-reads the platform credentials from the parameters cache (no call while warm).
 */
export function lazyHandler<E, R>(
  factory: (deps: Deps, extras: HandlerExtras) => (event: E, context: Context) => Promise<R>,
  build: () => Promise<BuiltDeps>,
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
