/**
 * Black-box acceptance suite for ../../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NEEDS_MEDIA, PAST, PLATFORMS, REASONS, User, expectError, uid, type Platform } from '../contract-client.js';
import { block, expectAlertShape, expectPostShape, mediaFor, outcome, useRuntime, ISO } from './shared.js';

block('posts: publish, fail while expired, retry once after restore', () => {
  const { http, local } = useRuntime();

  it('mediaUrl is required for instagram and tiktok, and not for the others', async () => {
    const owner = new User(local(), uid('media-owner'));
    const ws = await owner.createWorkspace();
    for (const platform of PLATFORMS) {
      const acct = uid(`${platform}-media`);
      await local().account(platform, acct, 'Media');
      const id = await owner.connected(ws, platform, acct);
      const r = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: id, text: 'no media', publishAt: PAST });
      if (NEEDS_MEDIA.includes(platform)) expectError(r, 400, 'VALIDATION_FAILED');
      else expect(r.status, `${platform}: ${r.text}`).toBe(201);
      const audience = platform === 'tiktok' ? { tiktok: { privacyLevel: 'SELF_ONLY' } } : {};
      const withMedia = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: id, text: 'media', publishAt: PAST, mediaUrl: 'https://cdn.example.test/a.mp4', ...audience });
      expect(withMedia.status, `${platform}: ${withMedia.text}`).toBe(201);
    }
    const bad = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: uid('nope'), text: 'x', publishAt: PAST });
    expect([400, 404]).toContain(bad.status);
    expectError(bad, bad.status, bad.status === 400 ? 'VALIDATION_FAILED' : 'NOT_FOUND');
    await local().publishDue();
    await local().drain();
  });

  it('TikTok posts carry the creator\'s choice of audience: required, one of TikTok\'s levels, checked against creator_info at publish time', async () => {
    const owner = new User(local(), uid('audience-owner'));
    const ws = await owner.createWorkspace();
    const acct = uid('tiktok-audience');
    await local().account('tiktok', acct, 'Audience');
    const id = await owner.connected(ws, 'tiktok', acct);
    const base = { connectionId: id, publishAt: PAST, mediaUrl: 'https://cdn.example.test/a.jpg' };
    const missing = await owner.call<{ error: { message: string } }>('POST', `/workspaces/${ws}/posts`, { ...base, text: 'who sees this?' });
    expectError(missing, 400, 'VALIDATION_FAILED');
    expect(missing.body.error.message).toContain('tiktok.privacyLevel');
    expectError(await owner.call('POST', `/workspaces/${ws}/posts`, { ...base, text: 'bad level', tiktok: { privacyLevel: 'EVERYONE' } }), 400, 'VALIDATION_FAILED');

    // The creator's account turned private: PUBLIC_TO_EVERYONE is no longer offered.
    const set = await http().call('POST', `/sandbox/tiktok/accounts/${acct}/creator`, { privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] });
    expect(set.status).toBe(200);
    const publicText = `public ${uid('t')}`;
    const followersText = `followers ${uid('t')}`;
    const create = async (text: string, privacyLevel: string) => (await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { ...base, text, tiktok: { privacyLevel } })).body.postId;
    const publicPost = await create(publicText, 'PUBLIC_TO_EVERYONE');
    const followersPost = await create(followersText, 'FOLLOWER_OF_CREATOR');
    await local().publishDue();
    await local().drain();

    const refused = await owner.post(ws, publicPost);
    expect(refused).toMatchObject({ status: 'failed_permanent', lastError: { code: 'TIKTOK_PRIVACY_NOT_OFFERED' } });
    expect(refused.lastError).toMatchObject({ message: expect.stringContaining('FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY') });
    expect((await owner.connection(ws, id))?.status).toBe('active');
    expect((await owner.post(ws, followersPost)).status).toBe('published');
    const texts = (await local().sandboxPosts('tiktok')).map((p) => p.text);
    expect(texts).toContain(followersText);
    expect(texts).not.toContain(publicText);
  });

  // The platforms run side by side, each on a runtime (and clock) of its own: a clock move in the
  // middle of another platform's sign-in would age its state and code.
  describe.concurrent('each platform', () => {
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

  it('DELETE connection: 204, gone from the list, open alerts resolved; removed then added fresh, its failed posts retry once', async () => {
    const platform: Platform = 'x';
    const owner = new User(local(), uid('remover'));
    const ws = await owner.createWorkspace();
    const acct = uid('x-remove');
    await local().account(platform, acct, 'Remove me');
    const id = await owner.connected(ws, platform, acct);
    await local().revoke(platform, acct, 'security_review');
    const text = `after re-add ${uid('x')}`;
    const postId = await owner.schedule(ws, id, platform, text, PAST);
    await local().publishDue();
    await local().drain();
    expect((await owner.post(ws, postId)).status).toBe('failed');

    const del = await owner.call('DELETE', `/workspaces/${ws}/connections/${id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect(await owner.connections(ws)).toEqual([]);
    expectError(await owner.call('POST', `/workspaces/${ws}/connections/${id}/reconnect`), 404, 'NOT_FOUND');
    // a second DELETE of a removed connection: the contract does not say; 204 (idempotent) or 404
    const again = await owner.call('DELETE', `/workspaces/${ws}/connections/${id}`);
    if (again.status !== 204) expectError(again, 404, 'NOT_FOUND');
    await local().drain();
    const open = (await owner.alerts(ws)).filter((a) => a.connectionId === id && !a.resolvedAt);
    expect(open).toEqual([]);

    const fresh = await owner.connect(ws, platform, acct);
    expect(fresh.searchParams.get('result')).toBe('connected');
    const newId = fresh.searchParams.get('connectionId') ?? '';
    const rows = await owner.connections(ws);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ connectionId: newId, status: 'active', badge: 'green' });
    await local().drain();
    const p = await owner.post(ws, postId);
    expect(p.status).toBe('published');
    expect((await local().sandboxPosts(platform)).filter((s) => s.text === text)).toHaveLength(1);
    await local().publishDue();
    await local().drain();
    expect((await local().sandboxPosts(platform)).filter((s) => s.text === text)).toHaveLength(1);
  });

  it('a post for a removed connection cannot be scheduled', async () => {
    const owner = new User(local(), uid('removed-post'));
    const ws = await owner.createWorkspace();
    const acct = uid('fb-removed');
    await local().account('facebook', acct, 'Gone');
    const id = await owner.connected(ws, 'facebook', acct);
    expect((await owner.call('DELETE', `/workspaces/${ws}/connections/${id}`)).status).toBe(204);
    const r = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: id, text: 'x', publishAt: PAST, ...mediaFor('facebook') });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });
});

