import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime, LocalRuntimeOptions } from '../../../local/runtime.js';
import { MAX_RECEIVE_COUNT } from '../../../shared/config/messaging.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';
import { soakScale } from '../../helpers/soak.js';

let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

interface Outbox {
  emails: { to: string; subject: string; text: string; html: string }[];
}

/**
 * The seed's whole promise: revoke -> scan -> expired -> alert + email -> posts fail while down ->
 * reconnect -> restored -> every failed post published exactly once, with no call from anyone.
 */
async function runChain(opts: LocalRuntimeOptions) {
  rt = await startTestRuntime(opts);
  const owner = await new ApiClient(rt.url).login('chain-owner', 'owner@acme.test');
  const ws = await owner.createWorkspace('Acme');
  await owner.sandboxAccount('linkedin', 'acme-co', 'Acme Co');
  expect((await owner.connect(ws, 'linkedin', 'acme-co')).searchParams.get('result')).toBe('connected');
  const [c] = await owner.connections(ws);

  await owner.call('POST', '/sandbox/linkedin/accounts/acme-co/revoke', { reason: 'revoked' });
  // Posts due while the account is down fail at publish time (the publisher sees the auth error first).
  const texts = Array.from({ length: 12 }, (_, i) => `Launch update #${i + 1}`);
  const postIds: string[] = [];
  for (const text of texts) {
    const r = await owner.call<{ postId: string; status: string }>('POST', `/workspaces/${ws}/posts`, { connectionId: c!.connectionId, text, publishAt: '2020-01-01T00:00:00Z' });
    expect(r.body.status).toBe('scheduled');
    postIds.push(r.body.postId);
  }
  await owner.call('POST', '/local/publish-due');
  await owner.call('POST', '/local/drain');
  rt.clock.advanceDays(8);
  await owner.login('chain-owner', 'owner@acme.test');
  await owner.call('POST', '/local/scan');
  await owner.call('POST', '/local/drain');

  const [expired] = await owner.connections(ws);
  expect(expired).toMatchObject({ status: 'expired', badge: 'red', reason: 'revoked' });
  for (const id of postIds) {
    const p = await owner.call<{ status: string; lastError?: { code: string } }>('GET', `/workspaces/${ws}/posts/${id}`);
    expect(p.body.status).toBe('failed');
  }
  const alerts = (await owner.call<{ alerts: { kind: string; resolvedAt?: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
  expect(alerts.filter((a) => a.kind === 'connection_expired')).toHaveLength(1);
  expect(alerts.filter((a) => a.kind === 'post_failed')).toHaveLength(12);

  // Shuffled deliveries may still be settling: the expiry email waits (redelivery) while posts are failing.
  let outbox = (await owner.call<Outbox>('GET', '/local/outbox')).body.emails;
  for (let i = 0; i < 40 && !outbox.some((e) => e.subject.includes('disconnected')); i++) {
    await new Promise((r) => setTimeout(r, 250));
    outbox = (await owner.call<Outbox>('GET', '/local/outbox')).body.emails;
  }
  const expiryEmails = outbox.filter((e) => e.subject.includes('disconnected'));
  expect(expiryEmails).toHaveLength(1);
  expect(expiryEmails[0]!.to).toBe('owner@acme.test');
  expect(expiryEmails[0]!.subject).toContain('LinkedIn');
  expect(expiryEmails[0]!.subject).toContain('Acme Co');
  expect(expiryEmails[0]!.text).toContain('support@flamel.ai');
  expect(expiryEmails[0]!.text).toContain('CONNECTION_EXPIRED/linkedin/revoked');

  expect((await owner.reconnect(ws, c!.connectionId, 'acme-co')).searchParams.get('result')).toBe('restored');
  await owner.call('POST', '/local/drain');

  const published = (await owner.call<{ posts: { text: string }[] }>('GET', '/sandbox/linkedin/posts')).body.posts.map((p) => p.text).sort();
  expect(published).toEqual([...texts].sort());
  for (const id of postIds) {
    const p = await owner.call<{ status: string; platformPostId?: string }>('GET', `/workspaces/${ws}/posts/${id}`);
    expect(p.body).toMatchObject({ status: 'published' });
    expect(p.body.platformPostId).toMatch(/\S/);
  }
  const after = (await owner.call<{ alerts: { kind: string; resolvedAt?: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
  expect(after.find((a) => a.kind === 'connection_expired')?.resolvedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  const finalOutbox = (await owner.call<Outbox>('GET', '/local/outbox')).body.emails;
  expect(finalOutbox.filter((e) => e.subject.includes('disconnected'))).toHaveLength(1);
  const backOnline = finalOutbox.filter((e) => !e.subject.includes('disconnected'));
  expect(backOnline).toHaveLength(1);
  const events = (await owner.call<{ events: { 'detail-type': string }[] }>('GET', '/local/events')).body.events;
  return { events, owner, ws };
}

describe('revoke -> scan -> expired -> email -> reconnect -> restored -> failed posts published once', () => {
  it('with each message delivered once', async () => {
    const { events } = await runChain({});
    expect(events.filter((e) => e['detail-type'] === 'connection.expired')).toHaveLength(1);
  });

  it('with every event and message delivered twice, and batches handled concurrently as in AWS', async () => {
    const { events } = await runChain({ duplicateEverything: true, awsConcurrency: true });
    // Published twice on purpose by the test harness: same episode, so consumers de-duplicate.
    expect(events.filter((e) => e['detail-type'] === 'connection.expired')).toHaveLength(2);
  });

  // In `npm run soak` only: about one run in three the expiry email was not there at the check (a
  // lost or late email under shuffled, doubled delivery: open, see the closing note of issue 10).
  it.runIf(soakScale() > 1)('with every event and message delivered twice, each on its own, in shuffled order', async () => {
    const { events } = await runChain({ duplicateEverything: true, shuffleDeliveriesMs: 400, awsConcurrency: true });
    expect(events.filter((e) => e['detail-type'] === 'connection.expired')).toHaveLength(2);
  }, 120_000);

  it('with a publish worker that crashes in the middle of a batch', async () => {
    let crashes = 0;
    await runChain({
      wrapQueueHandler: (consumer, handler) =>
        consumer !== 'publish'
          ? handler
          : async (event, context) => {
              const result = await handler(event, context);
              // Crash after the side effects of the batch, before acknowledging it: all of it comes back.
              if (event.Records.length > 1 && crashes < 3) {
                crashes++;
                throw new Error('worker crashed mid-batch');
              }
              return result;
            },
    });
    expect(crashes).toBeGreaterThan(0);
  });
});

describe('poison messages', () => {
  it(`land in the DLQ after ${MAX_RECEIVE_COUNT} receives, and only then`, async () => {
    rt = await startTestRuntime();
    const sqs = rt.queues.sqsClient();
    await sqs.send(new SendMessageCommand({ QueueUrl: rt.queues.queueUrl('publish'), MessageBody: '{"not":"a publish message"}' }));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await rt.queues.dlqDepth('publish')).visible).toBe(0);
    const deadline = Date.now() + 20_000;
    while ((await rt.queues.dlqDepth('publish')).visible === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect((await rt.queues.dlqDepth('publish')).visible).toBe(1);
    expect(await rt.queues.pendingMessages()).toBe(0);
  });
});
