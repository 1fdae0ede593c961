import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMovableClock } from '../../../local/services/clock.js';
import { matchesPattern, startLocalEventBus, type LocalEventBus } from '../../../local/services/event-bus.js';
import { startLocalQueues, type LocalQueues } from '../../../local/services/queues.js';
import { EVENT_SOURCE, EVENT_TYPES, eventBridgeEnvelopeSchema } from '../../../shared/config/events.js';
import { RULES, type QueueKey } from '../../../shared/config/messaging.js';

describe('matchesPattern', () => {
  const event = {
    source: 'flamel.connections',
    'detail-type': 'connection.expired',
    resources: ['arn:a', 'arn:b'],
    detail: { platform: 'linkedin', reason: 'token_expired', nested: { n: 3, flag: true, none: null } },
  };

  it('matches exact values on top-level and nested fields (OR within a field, AND across fields)', () => {
    expect(matchesPattern({ source: ['flamel.connections'] }, event)).toBe(true);
    expect(matchesPattern({ source: ['other', 'flamel.connections'], 'detail-type': ['connection.expired'] }, event)).toBe(true);
    expect(matchesPattern({ source: ['flamel.connections'], 'detail-type': ['connection.restored'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { platform: ['linkedin'], nested: { n: [3], flag: [true], none: [null] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { platform: ['x'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { nested: { n: ['3'] } } }, event)).toBe(false); // no type coercion
    expect(matchesPattern({ detail: { missing: ['a'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: { sub: ['a'] } } }, event)).toBe(false); // object pattern on a scalar
    expect(matchesPattern({ resources: ['arn:b'] }, event)).toBe(true); // any element of an array value
    expect(matchesPattern({}, event)).toBe(true);
    expect(matchesPattern({ source: [EVENT_SOURCE] }, 'not an event')).toBe(false);
  });

  it('supports prefix, anything-but and exists', () => {
    expect(matchesPattern({ 'detail-type': [{ prefix: 'connection.' }] }, event)).toBe(true);
    expect(matchesPattern({ 'detail-type': [{ prefix: 'post.' }] }, event)).toBe(false);
    expect(matchesPattern({ detail: { nested: { n: [{ prefix: '3' }] } } }, event)).toBe(false); // prefix is for strings
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': 'revoked' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': ['revoked', 'token_expired'] }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': { prefix: 'token' } }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': { prefix: 'pass' } }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, event)).toBe(false); // only present fields
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ exists: false }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { platform: ['x', { prefix: 'link' }] } }, event)).toBe(true);
  });

  it('refuses filters it does not implement rather than guessing', () => {
    expect(() => matchesPattern({ detail: { n: [{ numeric: ['>', 1] }] } } as never, { detail: { n: 2 } })).toThrow(TypeError);
  });

  it('matches the RULES of shared/config', () => {
    const targets = (type: string, source = EVENT_SOURCE) =>
      RULES.filter((r) => matchesPattern(r.pattern, { source, 'detail-type': type, detail: {} })).flatMap((r) => r.targets);
    expect(targets(EVENT_TYPES.restored).sort()).toEqual(['alerts', 'postRetries']);
    expect(targets(EVENT_TYPES.expired)).toEqual(['alerts']);
    expect(targets(EVENT_TYPES.expired, 'someone.else')).toEqual([]);
  });
});

describe('local event bus (PutEvents)', () => {
  let queues: LocalQueues;
  let bus: LocalEventBus;
  let client: EventBridgeClient;
  const clock = createMovableClock(new Date('2030-01-01T00:00:00.000Z'));

  beforeAll(async () => {
    queues = await startLocalQueues({ visibilityTimeoutSeconds: () => 1 });
    bus = await startLocalEventBus({ sqs: queues.sqsClient(), queueUrl: (key) => queues.queueUrl(key), clock });
    client = new EventBridgeClient({ endpoint: bus.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client?.destroy();
    await bus?.stop();
    await queues?.stop();
  });

  const detail = (n: number, reason?: string) => ({
    workspaceId: `ws-${n}`,
    connectionId: `c-${n}`,
    platform: 'linkedin',
    ...(reason ? { reason } : {}),
    occurredAt: '2030-01-01T00:00:00.000Z',
    episodeId: `ep-${n}`,
  });
  const entry = (type: string, d: object, source: string = EVENT_SOURCE): PutEventsRequestEntry => ({
    Source: source,
    DetailType: type,
    Detail: JSON.stringify(d),
    EventBusName: 'flamel-connections',
  });
  async function drain(key: QueueKey): Promise<unknown[]> {
    const { Messages = [] } = await queues.sqsClient().send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl(key), MaxNumberOfMessages: 10 }));
    return Messages.map((m) => JSON.parse(m.Body ?? 'null') as unknown);
  }

  it('delivers restored to post-retries and alerts, expired to alerts only, a foreign source nowhere', async () => {
    const res = await client.send(
      new PutEventsCommand({
        Entries: [
          entry(EVENT_TYPES.restored, detail(1)),
          entry(EVENT_TYPES.expired, detail(2, 'password_changed')),
          entry(EVENT_TYPES.expired, detail(3, 'revoked'), 'someone.else'),
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(0);
    expect(res.Entries).toHaveLength(3);
    const ids = res.Entries?.map((e) => e.EventId) ?? [];
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);

    await bus.settled();
    expect(bus.pendingDeliveries()).toBe(0);
    const [postRetries, alerts, publish, expiryChecks] = await Promise.all([drain('postRetries'), drain('alerts'), drain('publish'), drain('expiryChecks')]);
    expect(publish).toEqual([]);
    expect(expiryChecks).toEqual([]);
    expect(postRetries).toHaveLength(1);
    expect(alerts).toHaveLength(2);

    const restored = eventBridgeEnvelopeSchema.parse(postRetries[0]);
    expect(restored).toMatchObject({ id: ids[0], source: EVENT_SOURCE, 'detail-type': EVENT_TYPES.restored, detail: detail(1) });
    expect(postRetries[0]).toMatchObject({ version: '0', account: '000000000000', region: 'us-east-1', resources: [] });
    expect((postRetries[0] as { time: string }).time).toMatch(/^2030-01-01T00:00:0\dZ$/); // the movable clock, to the second
    const alertTypes = alerts.map((a) => eventBridgeEnvelopeSchema.parse(a)['detail-type']).sort();
    expect(alertTypes).toEqual([EVENT_TYPES.expired, EVENT_TYPES.restored]);
    expect(alerts.map((a) => (a as { id: string }).id)).not.toContain(ids[2]);

    // every event is listed, oldest first, including the one no rule wanted
    const listed = bus.events().slice(-3);
    expect(listed.map((e) => e.id)).toEqual(ids);
    expect(listed[2]).toMatchObject({ source: 'someone.else', 'detail-type': EVENT_TYPES.expired, detail: detail(3, 'revoked') });
    const http = (await (await fetch(`${bus.endpoint}/local/events`)).json()) as { events: Array<{ id: string }> };
    expect(http.events.map((e) => e.id)).toEqual(bus.events().map((e) => e.id));
  });

  it('keeps an explicit Time and Resources', async () => {
    const res = await client.send(
      new PutEventsCommand({
        Entries: [{ ...entry(EVENT_TYPES.expiring, detail(4)), Time: new Date('2031-02-03T04:05:06Z'), Resources: ['arn:x'] }],
      }),
    );
    await bus.settled();
    const [alert] = await drain('alerts');
    expect(alert).toMatchObject({ id: res.Entries?.[0]?.EventId, time: '2031-02-03T04:05:06Z', resources: ['arn:x'] });
  });

  it('answers malformed entries one by one, accepts the good ones beside them, and never crashes', async () => {
    const before = bus.events().length;
    const res = await client.send(
      new PutEventsCommand({
        Entries: [
          { DetailType: EVENT_TYPES.expired, Detail: '{}' }, // no Source
          { Source: EVENT_SOURCE, Detail: '{}' }, // no DetailType
          { Source: EVENT_SOURCE, DetailType: EVENT_TYPES.expired, Detail: '{not json' },
          { Source: EVENT_SOURCE, DetailType: EVENT_TYPES.expired, Detail: '[1,2]' },
          { Source: EVENT_SOURCE, DetailType: EVENT_TYPES.expired },
          entry(EVENT_TYPES.expired, detail(5, 'inactivity')),
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(5);
    expect(res.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'MalformedDetail', 'InvalidArgument', 'ok']);
    expect(res.Entries?.[0]?.ErrorMessage).toContain('Source');
    expect(bus.events().length).toBe(before + 1);
    await bus.settled();
    expect(await drain('alerts')).toHaveLength(1);

    // whole-request errors come back as the SDK's typed exceptions
    await expect(client.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry(EVENT_TYPES.expired, detail(6))) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      client.send(new PutEventsCommand({ Entries: [entry(EVENT_TYPES.expired, { big: 'x'.repeat(300_000) })] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });

    // raw garbage: a JSON error, and the server still answers afterwards
    const garbage = await fetch(bus.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"Entries": [',
    });
    expect(garbage.status).toBe(400);
    const other = await fetch(bus.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutRule' }, body: '{}' });
    expect(other.status).toBe(400);
    const ok = await client.send(new PutEventsCommand({ Entries: [entry('post.published', { a: 1 })] }));
    expect(ok.FailedEntryCount).toBe(0);
  });
});
