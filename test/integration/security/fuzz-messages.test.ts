import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { EVENT_SOURCE, EVENT_TYPES } from '../../../shared/config/events.js';
import { QUEUES, type QueueKey } from '../../../shared/config/messaging.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';
import { soakScale } from '../../helpers/soak.js';

/**
 * Bad input on every queue and on the bus: malformed JSON, type-confused bodies, well-formed events
 * naming things that do not exist, oversized fields. Each one ends in its queue's DLQ (retrying
 * will not help) or is dropped as about nothing; none writes to the table, sends an email or
 * crashes a worker, and the good message in the same batch still goes through.
 */
let rt: LocalRuntime;
let workspaceId: string;
let connectionId: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  const owner = await new ApiClient(rt.url).login('msg-fuzz');
  workspaceId = await owner.createWorkspace('Fuzz');
  await owner.sandboxAccount('linkedin', 'msg-fuzz-li', 'Fuzz Co');
  connectionId = (await owner.connect(workspaceId, 'linkedin', 'msg-fuzz-li')).searchParams.get('connectionId') ?? '';
  expect(connectionId).not.toBe('');
  expect(await rt.drain()).toBe(true);
}, 60_000);

afterAll(async () => {
  await rt.stop();
});

const confused = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 30 }), fc.array(fc.integer(), { maxLength: 2 }), fc.constant('x'.repeat(5000)));

/** Bodies no consumer can act on: not JSON, not an object, or a shape with the wrong types. */
const badBody = fc.oneof(
  fc.constantFrom('{', 'null', '[]', '42', '"text"', '{"detail":', '\u0000\u0001'),
  fc.record({ workspaceId: confused, connectionId: confused, postId: confused, episodeId: confused, retry: confused }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.record({ 'detail-type': confused, source: confused, detail: fc.record({ workspaceId: confused, connectionId: confused, platform: confused, occurredAt: confused, episodeId: confused }, { requiredKeys: [] }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
);

const queueKeys = Object.keys(QUEUES) as QueueKey[];

async function dlqCount(): Promise<number> {
  let n = 0;
  for (const k of queueKeys) {
    const d = await rt.queues.dlqDepth(k);
    n += d.visible + d.inFlight;
  }
  return n;
}

describe('bad messages on every queue and the bus', () => {
  it('end in a DLQ or are dropped, write nothing, email no one', async () => {
    const bodies = fc.sample(fc.tuple(fc.constantFrom(...queueKeys), badBody), { numRuns: 12 * soakScale(), seed: 20261130 });
    const before = JSON.stringify(await rt.tableItems());
    const emailsBefore = (await rt.email.outbox()).length;
    const dlqBefore = await dlqCount();
    const sqs = rt.queues.sqsClient();
    for (const [key, body] of bodies) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: rt.queues.queueUrl(key), Entries: [{ Id: 'bad', MessageBody: body }] }));
    }
    expect(await rt.drain(120_000)).toBe(true);
    expect(JSON.stringify(await rt.tableItems())).toBe(before);
    expect((await rt.email.outbox()).length).toBe(emailsBefore);
    // Every message went somewhere known: nothing is left in a main queue.
    for (const k of queueKeys) expect((await rt.queues.depth(k)).visible).toBe(0);
    expect(await dlqCount()).toBeLessThanOrEqual(dlqBefore + bodies.length);
  }, 180_000);

  it('a malformed event on the bus ends in the DLQ of the queue it was routed to and raises no alert', async () => {
    const bus = new EventBridgeClient({ endpoint: busEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const dlqBefore = await rt.queues.dlqDepth('alerts');
    const occurredAt = rt.clock.now().toISOString();
    await bus.send(
      new PutEventsCommand({
        Entries: [
          // Routed to alerts, but its detail cannot be an expiry: no episode, a platform that does not exist.
          { Source: EVENT_SOURCE, DetailType: EVENT_TYPES.expired, Detail: JSON.stringify({ workspaceId, connectionId, platform: 'myspace', occurredAt }), EventBusName: 'flamel-local' },
          { Source: EVENT_SOURCE, DetailType: EVENT_TYPES.expired, Detail: '{"workspaceId":', EventBusName: 'flamel-local' },
        ],
      }),
    );
    expect(await rt.drain(120_000)).toBe(true);
    const after = await rt.queues.dlqDepth('alerts');
    expect(after.visible + after.inFlight).toBeGreaterThan(dlqBefore.visible + dlqBefore.inFlight);
    const alerts = await new ApiClient(rt.url).login('msg-fuzz').then((c) => c.call<{ alerts: unknown[] }>('GET', `/workspaces/${workspaceId}/alerts`));
    expect(alerts.body.alerts).toEqual([]);
  }, 180_000);
});

function busEndpoint(): string {
  return rt.bus.endpoint;
}
