// Named imports from zod/mini keep every Lambda bundle small (the `z` namespace pulls in all of zod).
import { _default, enum as zEnum, iso, literal, maxLength, minLength, object, optional, string, type infer as Infer } from 'zod/mini';
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
const EVENT_TYPE_NAMES = Object.values(EVENT_TYPES);

/**
 * The detail's shape version, in every detail. Adding an optional field keeps it; removing or
 * changing one is a new version, which a consumer that knows only this one refuses (its message goes
 * to the dead-letter queue, kept for a redrive, rather than being misread).
 */
export const EVENT_SCHEMA_VERSION = 1;

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
  // Details put before the version existed (in flight during a deploy) are version 1.
  schemaVersion: _default(literal(EVENT_SCHEMA_VERSION), EVENT_SCHEMA_VERSION),
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
/** What a producer states; the bus adapter adds `schemaVersion` when it puts the event. */
export type ConnectionEventDetail = Omit<Infer<typeof connectionEventDetailSchema>, 'schemaVersion'>;

export interface ConnectionEvent {
  type: EventType;
  detail: ConnectionEventDetail;
}

/** The detail as it goes on the bus. */
export function wireDetail(detail: ConnectionEventDetail): Infer<typeof connectionEventDetailSchema> {
  return { schemaVersion: EVENT_SCHEMA_VERSION, ...detail };
}

/** The EventBridge envelope as a target queue receives it. */
export const eventBridgeEnvelopeSchema = object({
  id: optional(string()),
  source: literal(EVENT_SOURCE),
  'detail-type': zEnum(EVENT_TYPE_NAMES),
  time: optional(string()),
  detail: connectionEventDetailSchema,
});
export type EventBridgeEnvelope = Infer<typeof eventBridgeEnvelopeSchema>;
