import { z } from 'zod';
import { PLATFORMS } from './platforms.js';

/** Every event this service puts on the bus: one source, these detail-types, one detail schema. */
export const EVENT_SOURCE = 'flamel.connections';

export const EVENT_TYPES = {
  expired: 'connection.expired',
  restored: 'connection.restored',
  expiring: 'connection.expiring',
  connected: 'connection.connected',
  removed: 'connection.removed',
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

export const connectionEventDetailSchema = z.object({
  workspaceId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
  platform: z.enum(PLATFORMS),
  reason: z.enum(EXPIRY_REASONS).optional(),
  occurredAt: z.string().datetime(),
  episodeId: z.string().min(1).max(64),
});
export type ConnectionEventDetail = z.infer<typeof connectionEventDetailSchema>;

export interface ConnectionEvent {
  type: EventType;
  detail: ConnectionEventDetail;
}

/** The EventBridge envelope as a target queue receives it. */
export const eventBridgeEnvelopeSchema = z.object({
  id: z.string().optional(),
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.enum([
    EVENT_TYPES.expired,
    EVENT_TYPES.restored,
    EVENT_TYPES.expiring,
    EVENT_TYPES.connected,
    EVENT_TYPES.removed,
  ]),
  time: z.string().optional(),
  detail: connectionEventDetailSchema,
});
export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;
