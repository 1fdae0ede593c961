// Named imports from zod/mini keep every Lambda bundle small (the `z` namespace pulls in all of zod).
import { enum as zEnum, iso, literal, maxLength, minLength, object, optional, string, type infer as Infer } from 'zod/mini';
import { PLATFORMS } from './platforms.js';

/** Every event this service puts on the bus: one source, these detail-types, one detail schema. */
export const EVENT_SOURCE = 'flamel.connections';

export const EVENT_TYPES = {
  expired: 'connection.expired',
  restored: 'connection.restored',
  expiring: 'connection.expiring',
  connected: 'connection.connected',
  removed: 'connection.removed',
  /** A post could not publish because its connection is down (the owners get one email per episode listing them). */
  postFailed: 'connection.post_failed',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

export const EXPIRY_REASONS = [
  'password_changed',
  'security_review',
  'policy_update',
  'inactivity',
  'token_expired',
  'admin_role_lost',
  'revoked',
  'unknown',
] as const;
export type ExpiryReason = (typeof EXPIRY_REASONS)[number];

const id = () => string().check(minLength(1), maxLength(64));
export const connectionEventDetailSchema = object({
  workspaceId: id(),
  connectionId: id(),
  platform: zEnum(PLATFORMS),
  reason: optional(zEnum(EXPIRY_REASONS)),
  occurredAt: iso.datetime(),
  // Expiry episodes are UUIDs; warnings are named by connection and deadline (`expiring-<id>-<ISO>`, 70+).
  episodeId: string().check(minLength(1), maxLength(160)),
  /** connection.post_failed only: the post that failed. */
  postId: optional(id()),
});
export type ConnectionEventDetail = Infer<typeof connectionEventDetailSchema>;

export interface ConnectionEvent {
  type: EventType;
  detail: ConnectionEventDetail;
}

/** The EventBridge envelope as a target queue receives it. */
export const eventBridgeEnvelopeSchema = object({
  id: optional(string()),
  source: literal(EVENT_SOURCE),
  'detail-type': zEnum([
    EVENT_TYPES.expired,
    EVENT_TYPES.restored,
    EVENT_TYPES.expiring,
    EVENT_TYPES.connected,
    EVENT_TYPES.removed,
    EVENT_TYPES.postFailed,
  ]),
  time: optional(string()),
  detail: connectionEventDetailSchema,
});
export type EventBridgeEnvelope = Infer<typeof eventBridgeEnvelopeSchema>;
