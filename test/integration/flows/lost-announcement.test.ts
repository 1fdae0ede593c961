import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { expireConnection } from '../../../shared/domain/connection.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * A process killed between the expiry's write and its PutEvents: the episode is open but nobody
 * was told. The next scan finds it (it stays on the due index until announced) and announces it,
 * once: one `connection.expired`, one email.
 */
let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

describe('an expiry whose announcement was lost', () => {
  it('is announced by the next scan, once', async () => {
    const owner = await new ApiClient(rt.url).login('lost', 'owner@lost.test');
    const ws = await owner.createWorkspace('Lost');
    await owner.sandboxAccount('linkedin', 'li-lost', 'Lost Co');
    const connectionId = (await owner.connect(ws, 'linkedin', 'li-lost')).searchParams.get('connectionId') ?? '';
    // The crash: the expiry is written, the event never put.
    const c = await rt.deps.store.connections.get(ws, connectionId);
    const expired = expireConnection(c!, 'revoked', 'The token used in the request has been revoked by the user', 'ep-lost', rt.clock.now());
    await rt.deps.store.connections.update(expired.connection, c!.version);
    await owner.call('POST', '/local/drain');
    expect((await owner.call<{ events: unknown[] }>('GET', '/local/events')).body.events.filter((e) => (e as { 'detail-type': string })['detail-type'] === 'connection.expired')).toEqual([]);

    rt.clock.advanceMs(15 * 60_000);
    await owner.login('lost', 'owner@lost.test');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');
    const events = (await owner.call<{ events: { 'detail-type': string; detail: { episodeId: string } }[] }>('GET', '/local/events')).body.events.filter((e) => e['detail-type'] === 'connection.expired');
    expect(events.map((e) => e.detail.episodeId)).toEqual(['ep-lost']);
    const emails = (await owner.call<{ emails: { to: string; subject: string }[] }>('GET', '/local/outbox')).body.emails;
    expect(emails.filter((e) => e.to === 'owner@lost.test')).toHaveLength(1);
    // Announced, it leaves the due index: a later scan reads nothing for it.
    const after = await rt.deps.store.connections.get(ws, connectionId);
    expect(after?.nextCheckAt).toBeUndefined();
  }, 60_000);
});
