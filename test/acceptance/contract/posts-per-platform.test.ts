/**
 * Black-box acceptance suite for ../../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PAST, PLATFORMS, REASONS, User, uid, type Platform } from '../contract-client.js';
import { block, expectAlertShape, expectPostShape, outcome, ISO, useRuntime } from './shared.js';

// The platforms run side by side, each on a runtime (and clock) of its own: a clock move in the
// middle of another platform's sign-in would age its state and code.
describe.concurrent('posts on each platform: publish, fail while expired, retry once after restore', () => {
for (const platform of PLATFORMS) block(platform, () => {
  const { local } = useRuntime();
  const countInSandbox = async (p: Platform, text: string): Promise<number> => (await local().sandboxPosts(p)).filter((s) => s.text === text).length;
  let owner: User;
  let ws: string;
  let acct: string;
  let id: string;
  beforeAll(async () => {
    owner = new User(local(), uid(`posts-${platform}`));
    ws = await owner.createWorkspace(`Posts ${platform}`);
    acct = uid(`${platform}-posts`);
    await local().account(platform, acct, `Poster ${platform}`);
    id = await owner.connected(ws, platform, acct);
  });

  it('a post due in the past is published: status published, platformPostId, visible in the sandbox once', async () => {
    const text = `hello ${uid(platform)}`;
    const postId = await owner.schedule(ws, id, platform, text, PAST);
    const scheduled = await owner.post(ws, postId);
    expectPostShape(scheduled);
    expect(scheduled).toMatchObject({ postId, connectionId: id, status: 'scheduled', attempts: 0 });
    await local().publishDue();
    await local().drain();
    const p = await owner.post(ws, postId);
    expectPostShape(p);
    expect(p).toMatchObject({ postId, connectionId: id, status: 'published' });
    expect(p.attempts).toBeGreaterThanOrEqual(1);
    const inSandbox = (await local().sandboxPosts(platform)).filter((s) => s.text === text);
    expect(inSandbox).toHaveLength(1);
    expect(inSandbox[0]).toMatchObject({ externalAccountId: acct, platformPostId: p.platformPostId });
    await local().publishDue();
    await local().drain();
    expect(await countInSandbox(platform, text)).toBe(1);
  });

  it('revoked: the post fails (waiting for its connection), the connection turns red, post_failed + connection_expired alerts, one expired event, an email; reconnect restores and publishes it exactly once', async () => {
    await local().revoke(platform, acct, 'password_changed');
    const text = `retry me ${uid(platform)}`;
    const postId = await owner.schedule(ws, id, platform, text, PAST);
    await local().publishDue();
    await local().drain();

    const failed = await owner.post(ws, postId);
    expectPostShape(failed);
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatchObject({ code: expect.stringMatching(/\S/), message: expect.stringMatching(/\S/) });
    expect(await countInSandbox(platform, text)).toBe(0);

    const row = await owner.connection(ws, id);
    expect(row).toMatchObject({ status: 'expired', badge: 'red' });
    expect(REASONS).toContain(row?.reason);

    const alerts = await owner.alerts(ws);
    for (const a of alerts) expectAlertShape(a);
    const postFailed = alerts.filter((a) => a.kind === 'post_failed' && a.postId === postId);
    expect(postFailed).toHaveLength(1);
    expect(postFailed[0]?.resolvedAt).toBeUndefined();
    expect(alerts.filter((a) => a.kind === 'connection_expired' && a.connectionId === id && !a.resolvedAt)).toHaveLength(1);

    const expired = await local().eventsOf(id, 'connection.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]?.detail).toMatchObject({ workspaceId: ws, connectionId: id, platform, reason: expect.any(String), episodeId: expect.any(String) });
    expect(await local().emailsTo(owner.email)).toHaveLength(1);

    // the next day's scan finds the same episode, not a new one
    await local().advanceDays(1);
    await local().scan();
    await local().drain();
    expect(await local().eventsOf(id, 'connection.expired')).toHaveLength(1);
    expect(await local().emailsTo(owner.email)).toHaveLength(1);
    expect((await owner.post(ws, postId)).status).toBe('failed');

    const done = await owner.reconnect(ws, id, acct);
    expect(outcome(done)).toEqual({ result: 'restored', code: null });
    expect(done.searchParams.get('connectionId')).toBe(id);
    await local().drain();

    const restored = await local().eventsOf(id, 'connection.restored');
    expect(restored).toHaveLength(1);
    expect(restored[0]?.detail.episodeId).toBe(expired[0]?.detail.episodeId);
    const published = await owner.post(ws, postId);
    expect(published.status).toBe('published');
    expect(published.platformPostId).toMatch(/\S/);
    expect(await countInSandbox(platform, text)).toBe(1);

    const after = await owner.alerts(ws);
    const conn = after.find((a) => a.kind === 'connection_expired' && a.connectionId === id);
    expect(conn?.resolvedAt).toMatch(ISO);
    const pf = after.find((a) => a.kind === 'post_failed' && a.postId === postId);
    expect(pf?.resolvedAt).toMatch(ISO);

    // never twice: more publishing rounds, another scan, another reconnect
    await local().publishDue();
    await local().drain();
    await owner.reconnect(ws, id, acct);
    await local().drain();
    await local().advanceDays(1);
    await local().scan();
    await local().publishDue();
    await local().drain();
    expect(await countInSandbox(platform, text)).toBe(1);
    expect((await owner.post(ws, postId)).status).toBe('published');
  });

  it('after the clock moves days ahead (access tokens aged), a new post still publishes', async () => {
    await local().advanceDays(3);
    const text = `aged ${uid(platform)}`;
    const postId = await owner.schedule(ws, id, platform, text, PAST);
    await local().publishDue();
    await local().drain();
    expect((await owner.post(ws, postId)).status).toBe('published');
    expect(await countInSandbox(platform, text)).toBe(1);
  });
});
});
