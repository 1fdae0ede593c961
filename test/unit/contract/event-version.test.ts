import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../../shared/adapters/aws/event-bus.js';
import { EVENT_SOURCE, EVENT_TYPES, eventBridgeEnvelopeSchema, type ConnectionEventDetail } from '../../../shared/config/events.js';

const detail: ConnectionEventDetail = { workspaceId: 'w1', connectionId: 'c1', platform: 'x', reason: 'revoked', occurredAt: '2026-11-30T10:00:00.000Z', episodeId: 'ep-1' };
const envelope = (d: unknown) => ({ source: EVENT_SOURCE, 'detail-type': EVENT_TYPES.expired, detail: d });

describe('event details carry their schema version', () => {
  it('the bus adapter puts schemaVersion 1 in every detail', async () => {
    const sent: PutEventsCommand[] = [];
    const client = { send: async (command: PutEventsCommand) => (sent.push(command), { FailedEntryCount: 0 }) } as unknown as EventBridgeClient;
    await new EventBridgeBus(client, 'bus').publish([{ type: EVENT_TYPES.expired, detail }]);
    const put = sent[0]?.input.Entries?.[0];
    expect(JSON.parse(put?.Detail ?? '{}')).toEqual({ schemaVersion: 1, ...detail });
  });

  it('consumers read a detail put before the version existed as version 1', () => {
    expect(eventBridgeEnvelopeSchema.parse(envelope(detail)).detail.schemaVersion).toBe(1);
  });

  it('consumers refuse a version they do not know (the message goes to the DLQ, not misread)', () => {
    expect(eventBridgeEnvelopeSchema.safeParse(envelope({ ...detail, schemaVersion: 2 })).success).toBe(false);
  });
});
