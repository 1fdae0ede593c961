import { EVENT_SOURCE, EVENT_TYPES } from './events.js';

/**
 * Queues, their dead-letter queues and the rules that feed them. The CDK stack and the local
 * runtime both build from this module, so names, retry counts and patterns cannot drift.
 */
export const MAX_RECEIVE_COUNT = 5;

export interface QueueSpec {
  /** Logical name: the local queue name and the CDK construct id. */
  name: string;
  /** Seconds a received message stays hidden; at least 6x the consumer's timeout in AWS. */
  visibilityTimeoutSeconds: number;
  /** Consumer batch size. */
  batchSize: number;
  /** Function that consumes it (see shared/config/functions.ts). */
  consumer: string;
  /** Batches handled at once: the event source's maximum concurrency in AWS (>= 2), local pollers. */
  maxConcurrency: number;
}

export const QUEUES = {
  // One message per due-index segment of a scan tick; a segment out of budget sends its cursor on here.
  scanSegments: { name: 'scan-segments', visibilityTimeoutSeconds: 360, batchSize: 1, consumer: 'scanSegment', maxConcurrency: 8 },
  // Platform calls per worker batch are bounded in the worker; concurrency bounds them per run.
  expiryChecks: { name: 'expiry-checks', visibilityTimeoutSeconds: 180, batchSize: 10, consumer: 'expiryCheck', maxConcurrency: 4 },
  alerts: { name: 'alerts', visibilityTimeoutSeconds: 180, batchSize: 10, consumer: 'alerts', maxConcurrency: 2 },
  postRetries: { name: 'post-retries', visibilityTimeoutSeconds: 360, batchSize: 5, consumer: 'postRetries', maxConcurrency: 2 },
  publish: { name: 'publish', visibilityTimeoutSeconds: 180, batchSize: 10, consumer: 'publish', maxConcurrency: 4 },
} as const satisfies Record<string, QueueSpec>;
export type QueueKey = keyof typeof QUEUES;
export type QueueName = (typeof QUEUES)[QueueKey]['name'];

export function dlqName(queue: QueueSpec): string {
  return `${queue.name}-dlq`;
}

/** Environment variable carrying a queue's URL to the functions that send to it. */
export function queueUrlEnv(key: QueueKey): string {
  return `QUEUE_URL_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export interface RuleSpec {
  name: string;
  pattern: { source: string[]; 'detail-type': string[] };
  targets: QueueKey[];
}

export const RULES: readonly RuleSpec[] = [
  { name: 'connection-expired', pattern: { source: [EVENT_SOURCE], 'detail-type': [EVENT_TYPES.expired] }, targets: ['alerts'] },
  {
    name: 'connection-restored',
    pattern: { source: [EVENT_SOURCE], 'detail-type': [EVENT_TYPES.restored] },
    targets: ['postRetries', 'alerts'],
  },
  // A fresh connection of an account removed from the same workspace inherits its failed posts: retry them.
  { name: 'connection-connected', pattern: { source: [EVENT_SOURCE], 'detail-type': [EVENT_TYPES.connected] }, targets: ['postRetries'] },
  { name: 'connection-expiring', pattern: { source: [EVENT_SOURCE], 'detail-type': [EVENT_TYPES.expiring] }, targets: ['alerts'] },
  // A post failed in an episode whose expiry email had already gone out: one failed-posts email per episode.
  { name: 'connection-post-failed', pattern: { source: [EVENT_SOURCE], 'detail-type': [EVENT_TYPES.postFailed] }, targets: ['alerts'] },
];

/**
 * The expiry scan's tick (EventBridge Scheduler, UTC): hourly, so a tick that partly failed is finished
 * by the next one (whatever it left stays due) and each connection keeps the hour of its last check:
 * checks spread over the day as the rate budgets (shared/config/rate-budgets.ts) defer them.
 * `hourUtc`: the hour the local runtime's timer fires a tick (one a local day; `POST /local/scan` any time).
 * `earlyStartHours`: a check makes a connection due again this much less than a day later, so the
 * same hour's tick the next day finds it even when this tick's checks took up to that long.
 */
export const DAILY_SCAN = { scheduleExpression: 'cron(0 * * * ? *)', hourUtc: 6, earlyStartHours: 1 } as const;

/** Most messages one SQS SendMessageBatch takes. */
export const SQS_SEND_BATCH = 10;

/**
 * One scan tick: the coordinator sends one message for all due-index segments (DUE_CONNECTIONS.readShards)
 * to `scan-segments`; an invocation reads them in turn, at most `itemsPerInvocation` due entries in all
 * (and stops early past `invocationMs`), then sends its cursor on as a new message and each segment it
 * did not reach as a message of its own (read in parallel). A segment stops for
 * this tick after `itemsPerSegmentPerTick` (the rest stays due for the next tick), so one tick never
 * enqueues far more than the hour's rate budgets can check.
 */
export const SCAN = { itemsPerInvocation: 1_000, invocationMs: 20_000, itemsPerSegmentPerTick: 40_000, connectionsPerCheckMessage: 20 } as const;

/** Scheduled posts: how often AWS looks for posts whose time has come. */
export const PUBLISH_DUE_SCHEDULE = 'rate(1 minute)';
/**
 * The reconciliation (shared/use-cases/reconcile.ts): how often it runs, and how long it leaves work
 * alone after it last changed (a failure, a claim, a reconnect or a check), so it never races a restore
 * whose own messages are still being handled.
 */
export const RECONCILE = { scheduleExpression: 'rate(10 minutes)', everyMinutes: 10, settleMinutes: 15 } as const;
/** The weekly digest (shared/use-cases/digest.ts): Mondays 08:00 UTC, so the week just ended is complete. */
export const WEEKLY_DIGEST = { scheduleExpression: 'cron(0 8 ? * MON *)' } as const;
