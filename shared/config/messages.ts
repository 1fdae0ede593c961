// Named imports from zod/mini keep every Lambda bundle small (the `z` namespace pulls in all of zod).
import { array, boolean, maxLength, minLength, object, string, type ZodMiniType } from 'zod/mini';
import { eventBridgeEnvelopeSchema } from './events.js';
import type { QueueKey } from './messaging.js';

/** The body of every message on each queue (./messaging.ts): producers write these, consumers parse them. */
const id = () => string().check(minLength(1), maxLength(64));

/** One batch of a daily scan's connections to check (shared/use-cases/scan.ts). */
export const expiryCheckMessageSchema = object({
  runId: string().check(minLength(1), maxLength(100)),
  connections: array(object({ workspaceId: id(), connectionId: id() })).check(minLength(1), maxLength(100)),
});

/** One post to publish: a first attempt (`attemptKey: "scheduled"`) or a retry after a restore (the episode id). */
export const publishMessageSchema = object({
  workspaceId: id(),
  postId: id(),
  attemptKey: string().check(minLength(1), maxLength(200)),
  retry: boolean(),
});

export const QUEUE_MESSAGE_SCHEMAS = {
  expiryChecks: expiryCheckMessageSchema,
  publish: publishMessageSchema,
  // EventBridge rules deliver the whole event (shared/config/events.ts) to these.
  alerts: eventBridgeEnvelopeSchema,
  postRetries: eventBridgeEnvelopeSchema,
} as const satisfies Record<QueueKey, ZodMiniType>;
