/**
 * Black-box acceptance suite for ../../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { expect, it } from 'vitest';
import { NEEDS_MEDIA, PAST, PLATFORMS, User, expectError, uid, type Platform } from '../contract-client.js';
import { block, mediaFor, useRuntime } from './shared.js';

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

