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
 * Daily scan: a cron in UTC for EventBridge Scheduler, and the hour the local clock fires it.
 * `earlyStartHours`: a run may start this much earlier in the day than the one before it (a
 * flexible window, a late run the day before, checks that took minutes) and must still find every
 * connection that run checked: a check makes a connection due again this much less than a day later.
 */
export const DAILY_SCAN = { scheduleExpression: 'cron(0 6 * * ? *)', hourUtc: 6, earlyStartHours: 3 } as const;
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
