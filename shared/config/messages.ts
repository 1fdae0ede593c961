// Named imports from zod/mini keep every Lambda bundle small (the `z` namespace pulls in all of zod).
import { array, boolean, int, maxLength, minLength, nonnegative, number, object, optional, string, type ZodMiniType } from 'zod/mini';
import { eventBridgeEnvelopeSchema } from './events.js';
import type { QueueKey } from './messaging.js';

/** The body of every message on each queue (./messaging.ts): producers write these, consumers parse them. */
const id = () => string().check(minLength(1), maxLength(64));

/** One batch of a daily scan's connections to check (shared/use-cases/scan.ts). */
export const expiryCheckMessageSchema = object({
  runId: string().check(minLength(1), maxLength(100)),
  connections: array(object({ workspaceId: id(), connectionId: id() })).check(minLength(1), maxLength(100)),
});

const count = () => number().check(int(), nonnegative());

/** One step of one due-index segment of a scan run (shared/use-cases/scan-run.ts). */
export const scanSegmentMessageSchema = object({
  runId: string().check(minLength(1), maxLength(100)),
  until: string().check(minLength(20), maxLength(30)),
  segment: count(),
  step: count(),
  cursor: optional(string().check(minLength(1), maxLength(4_000))),
  readBefore: count(),
  through: optional(count()),
});

/** One post to publish: a first attempt (`attemptKey: "scheduled"`) or a retry after a restore (the episode id). */
export const publishMessageSchema = object({
  workspaceId: id(),
  postId: id(),
  attemptKey: string().check(minLength(1), maxLength(200)),
  retry: boolean(),
});

export const QUEUE_MESSAGE_SCHEMAS = {
  scanSegments: scanSegmentMessageSchema,
  expiryChecks: expiryCheckMessageSchema,
  publish: publishMessageSchema,
  // EventBridge rules deliver the whole event (shared/config/events.ts) to these.
  alerts: eventBridgeEnvelopeSchema,
  postRetries: eventBridgeEnvelopeSchema,
} as const satisfies Record<QueueKey, ZodMiniType>;
