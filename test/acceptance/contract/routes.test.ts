/**
 * Black-box acceptance suite for ../../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PAST, PKCE, PLATFORMS, User, expectError, uid, type ConnectionRow } from '../contract-client.js';
import { block, expectConnectionShape, expectEventShape, expectOldestFirst, expectPostShape, useRuntime, ISO } from './shared.js';

block('routes: status codes, body shapes and errors', () => {
  const { http, local } = useRuntime();
  let owner: User;
  let stranger: User;
  let ws: string;
  let connectionId: string;
  const account = uid('fb-page');

  beforeAll(async () => {
    owner = new User(local(), uid('owner'));
    stranger = new User(local(), uid('stranger'));
    ws = await owner.createWorkspace('Routes');
    await local().account('facebook', account, 'Routes Page');
    connectionId = await owner.connected(ws, 'facebook', account);
  });

  it('POST /local/login answers 200 {token}', async () => {
    const r = await http().call<{ token: string }>('POST', '/local/login', { userId: uid('u'), email: 'u@example.test' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ token: expect.any(String) });
  });

  it('POST /workspaces answers 201 {workspaceId} and the caller owns it', async () => {
    const u = new User(local(), uid('creator'));
    const r = await u.call<{ workspaceId: string }>('POST', '/workspaces', { name: 'Shape' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ workspaceId: expect.any(String) });
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    const list = await u.call<{ connections: ConnectionRow[] }>('GET', `/workspaces/${r.body.workspaceId}/connections`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ connections: [] });
  });

  it('POST /hubs answers 201 {hubId}', async () => {
    const r = await owner.call<{ hubId: string }>('POST', '/hubs', { name: 'Agency' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ hubId: expect.any(String) });
  });

  it('GET /workspaces/{ws}/alerts answers 200 {alerts: []} for a fresh workspace', async () => {
    const fresh = await owner.createWorkspace('Alerts');
    const r = await owner.call('GET', `/workspaces/${fresh}/alerts`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ alerts: [] });
  });

  it('GET connections lists the connected account with the contract fields', async () => {
    const rows = await owner.connections(ws);
    expect(rows).toHaveLength(1);
    const c = rows[0];
    if (!c) throw new Error('no row');
    expectConnectionShape(c);
    expect(c).toMatchObject({ connectionId, platform: 'facebook', externalAccountId: account, displayName: 'Routes Page', status: 'active', badge: 'green' });
  });

  it('POST reconnect answers 200 {authorizeUrl}; POST connections answers 201 {authorizeUrl}', async () => {
    const start = await owner.call('POST', `/workspaces/${ws}/connections`, { platform: 'facebook' });
    expect(start.status).toBe(201);
    expect(start.body).toEqual({ authorizeUrl: expect.any(String) });
    const re = await owner.call('POST', `/workspaces/${ws}/connections/${connectionId}/reconnect`);
    expect(re.status).toBe(200);
    expect(re.body).toEqual({ authorizeUrl: expect.any(String) });
  });

  it.each(PLATFORMS)('%s: authorizeUrl points at the sandbox authorize endpoint with client id, redirect_uri, state, scopes (and PKCE S256 where used)', async (platform) => {
    const url = new URL(await owner.startConnect(ws, platform));
    expect(url.origin).toBe(http().base);
    expect(url.pathname).toBe(`/sandbox/${platform}/oauth/authorize`);
    const q = url.searchParams;
    // TikTok's Login Kit names the client id `client_key` (its real API); every other platform `client_id`.
    // TikTok names the app's id client_key; the others client_id.
    expect(q.get(platform === 'tiktok' ? 'client_key' : 'client_id')).toMatch(/\S/);
    expect(q.get('redirect_uri')).toBe(`${http().base}/oauth/${platform}/callback`);
    expect(q.get('state')?.length ?? 0).toBeGreaterThanOrEqual(16);
    expect(q.get('scope')).toMatch(/\S/);
    if (PKCE.includes(platform)) {
      expect(q.get('code_challenge_method')).toBe('S256');
      // S256 digest: RFC 7636 base64url on X; TikTok verifies it hex-encoded (docs/platforms/tiktok.md).
      expect(q.get('code_challenge')).toMatch(platform === 'tiktok' ? /^[0-9a-f]{64}$/ : /^[A-Za-z0-9_-]{43}$/);
    } else {
      expect(q.get('code_challenge')).toBeNull();
    }
    // two starts never share a state
    const again = new URL(await owner.startConnect(ws, platform));
    expect(again.searchParams.get('state')).not.toBe(q.get('state'));
  });

  describe('401 UNAUTHENTICATED on every authenticated route', () => {
    const routes: [string, (ws: string, c: string) => string, unknown][] = [
      ['POST', () => '/workspaces', { name: 'x' }],
      ['POST', () => '/hubs', { name: 'x' }],
      ['POST', () => '/hubs/some-hub/workspaces', { workspaceId: 'w' }],
      ['GET', (w) => `/workspaces/${w}/connections`, undefined],
      ['POST', (w) => `/workspaces/${w}/connections`, { platform: 'x' }],
      ['POST', (w, c) => `/workspaces/${w}/connections/${c}/reconnect`, undefined],
      ['DELETE', (w, c) => `/workspaces/${w}/connections/${c}`, undefined],
      ['POST', (w) => `/workspaces/${w}/posts`, { connectionId: 'c', text: 't', publishAt: PAST }],
      ['GET', (w) => `/workspaces/${w}/posts/some-post`, undefined],
      ['GET', (w) => `/workspaces/${w}/alerts`, undefined],
    ];
    it.each(routes)('%s %s', async (method, path, body) => {
      const p = path(ws, connectionId);
      expectError(await http().call(method, p, body), 401, 'UNAUTHENTICATED');
      expectError(await http().call(method, p, body, { authorization: 'Bearer not-a-token' }), 401, 'UNAUTHENTICATED');
      expectError(await http().call(method, p, body, { authorization: 'Basic dXNlcjpwYXNz' }), 401, 'UNAUTHENTICATED');
    });
  });

  describe("403 FORBIDDEN on another owner's workspace", () => {
    const routes: [string, (c: string) => string, (c: string) => unknown][] = [
      ['GET', () => 'connections', () => undefined],
      ['POST', () => 'connections', () => ({ platform: 'facebook' })],
      ['POST', (c) => `connections/${c}/reconnect`, () => undefined],
      ['DELETE', (c) => `connections/${c}`, () => undefined],
      ['POST', () => 'posts', (c) => ({ connectionId: c, text: 'hi', publishAt: PAST })],
      ['GET', () => 'posts/some-post', () => undefined],
      ['GET', () => 'alerts', () => undefined],
    ];
    it.each(routes)('%s /workspaces/{ws}/%s', async (method, path, body) => {
      expectError(await stranger.call(method, `/workspaces/${ws}/${path(connectionId)}`, body(connectionId)), 403, 'FORBIDDEN');
    });

    it('the refused DELETE changed nothing', async () => {
      expect((await owner.connections(ws)).map((c) => c.connectionId)).toContain(connectionId);
    });
  });

  it('a workspace that does not exist answers an error in the contract shape (403 or 404)', async () => {
    const r = await owner.call('GET', `/workspaces/${uid('nope')}/connections`);
    expect([403, 404]).toContain(r.status);
    expectError(r, r.status, r.status === 403 ? 'FORBIDDEN' : 'NOT_FOUND');
  });

  it('404 NOT_FOUND for an unknown connection (reconnect, delete) and an unknown post', async () => {
    expectError(await owner.call('POST', `/workspaces/${ws}/connections/${uid('c')}/reconnect`), 404, 'NOT_FOUND');
    expectError(await owner.call('DELETE', `/workspaces/${ws}/connections/${uid('c')}`), 404, 'NOT_FOUND');
    expectError(await owner.call('GET', `/workspaces/${ws}/posts/${uid('p')}`), 404, 'NOT_FOUND');
    expectError(await owner.call('POST', `/hubs/${uid('hub')}/workspaces`, { workspaceId: ws }), 404, 'NOT_FOUND');
  });

  it("404 NOT_FOUND for a connection of another of the owner's workspaces", async () => {
    const other = await owner.createWorkspace('Other');
    expectError(await owner.call('POST', `/workspaces/${other}/connections/${connectionId}/reconnect`), 404, 'NOT_FOUND');
    expectError(await owner.call('DELETE', `/workspaces/${other}/connections/${connectionId}`), 404, 'NOT_FOUND');
    expect(await owner.connection(ws, connectionId)).toMatchObject({ connectionId });
  });

  it("a post cannot use a connection of another workspace, and a post is not readable through another workspace", async () => {
    // A future time inside the 2-year scheduling horizon (README changelog): it stays scheduled.
    const later = new Date(Date.now() + 400 * 86_400_000).toISOString();
    const other = await owner.createWorkspace('Other posts');
    const r = await owner.call('POST', `/workspaces/${other}/posts`, { connectionId, text: 'cross', publishAt: later });
    expect([400, 404], r.text).toContain(r.status);
    expectError(r, r.status, r.status === 400 ? 'VALIDATION_FAILED' : 'NOT_FOUND');
    const postId = await owner.schedule(ws, connectionId, 'facebook', 'mine', later);
    expectError(await owner.call('GET', `/workspaces/${other}/posts/${postId}`), 404, 'NOT_FOUND');
    const mine = await owner.post(ws, postId);
    expectPostShape(mine);
    expect(mine).toMatchObject({ postId, connectionId, status: 'scheduled', attempts: 0 });
    if (mine.publishAt !== undefined) expect(Date.parse(mine.publishAt)).toBe(Date.parse(later));
  });

  it('a post due later waits for the system clock (facebook)', async () => {
    const count = async (text: string): Promise<number> => (await local().sandboxPosts('facebook')).filter((p) => p.text === text).length;
    const now = Date.parse(await local().now());
    const text = `later ${uid('facebook')}`;
    const postId = await owner.schedule(ws, connectionId, 'facebook', text, new Date(now + 3600_000).toISOString());
    await local().publishDue();
    await local().drain();
    expect((await owner.post(ws, postId)).status).toBe('scheduled');
    expect(await count(text)).toBe(0);
    await local().advanceDays(2 / 24);
    await local().publishDue();
    await local().drain();
    expect((await owner.post(ws, postId)).status).toBe('published');
    expect(await count(text)).toBe(1);
  });

  describe('400 VALIDATION_FAILED', () => {
    const bad: [string, string, (ws: string, c: string) => string, (c: string) => unknown][] = [
      ['bad JSON: POST /workspaces', 'POST', () => '/workspaces', () => '{"name": '],
      ['missing name: POST /workspaces', 'POST', () => '/workspaces', () => ({})],
      ['name not a string: POST /workspaces', 'POST', () => '/workspaces', () => ({ name: 42 })],
      ['JSON array body: POST /workspaces', 'POST', () => '/workspaces', () => '[]'],
      ['bad JSON: POST /hubs', 'POST', () => '/hubs', () => 'nope'],
      ['missing name: POST /hubs', 'POST', () => '/hubs', () => ({})],
      ['bad JSON: POST connections', 'POST', (w) => `/workspaces/${w}/connections`, () => '{platform:x}'],
      ['missing platform', 'POST', (w) => `/workspaces/${w}/connections`, () => ({})],
      ['unknown platform', 'POST', (w) => `/workspaces/${w}/connections`, () => ({ platform: 'myspace' })],
      ['platform in capitals', 'POST', (w) => `/workspaces/${w}/connections`, () => ({ platform: 'Facebook' })],
      ['bad JSON: POST posts', 'POST', (w) => `/workspaces/${w}/posts`, () => '{"text":'],
      ['post without connectionId', 'POST', (w) => `/workspaces/${w}/posts`, () => ({ text: 'hi', publishAt: PAST })],
      ['post without text', 'POST', (w) => `/workspaces/${w}/posts`, (c) => ({ connectionId: c, publishAt: PAST })],
      ['post without publishAt', 'POST', (w) => `/workspaces/${w}/posts`, (c) => ({ connectionId: c, text: 'hi' })],
      ['post with publishAt not a time', 'POST', (w) => `/workspaces/${w}/posts`, (c) => ({ connectionId: c, text: 'hi', publishAt: 'tomorrow' })],
      ['post with publishAt an impossible date', 'POST', (w) => `/workspaces/${w}/posts`, (c) => ({ connectionId: c, text: 'hi', publishAt: '2026-13-45T99:00:00Z' })],
      ['post with publishAt a number', 'POST', (w) => `/workspaces/${w}/posts`, (c) => ({ connectionId: c, text: 'hi', publishAt: 1700000000 })],
      ['bad JSON: POST /hubs/{hubId}/workspaces', 'POST', () => '/hubs/h/workspaces', () => '{'],
    ];
    it.each(bad)('%s', async (_name, method, path, body) => {
      expectError(await owner.call(method, path(ws, connectionId), body(connectionId)), 400, 'VALIDATION_FAILED');
    });
  });

  it('an unknown route answers 404 in the error shape', async () => {
    const r = await owner.call('GET', `/workspaces/${ws}/nothing-here`);
    expect(r.status).toBe(404);
    expectError(r, 404, 'NOT_FOUND');
  });

  it('the local routes answer their contract shapes', async () => {
    const scan = await http().call<Record<string, unknown>>('POST', '/local/scan');
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({ checked: expect.any(Number), expired: expect.any(Number), expiring: expect.any(Number), refreshed: expect.any(Number) });
    const drain = await http().call('POST', '/local/drain');
    expect(drain.status).toBeLessThan(300);
    const due = await http().call('POST', '/local/publish-due');
    expect(due.status).toBeLessThan(300);
    const outbox = await http().call('GET', '/local/outbox');
    expect(outbox.status).toBe(200);
    expect(outbox.body).toEqual({ emails: expect.any(Array) });
    const events = await http().call('GET', '/local/events');
    expect(events.status).toBe(200);
    expect(events.body).toEqual({ events: expect.any(Array) });
    const sandbox = await http().call('GET', '/sandbox/x/posts');
    expect(sandbox.status).toBe(200);
    expect(sandbox.body).toEqual({ posts: expect.any(Array) });
    const clock = await http().call<{ now: string }>('GET', '/local/clock');
    expect(clock.status).toBe(200);
    expect(clock.body.now).toMatch(ISO);
  });

  it('POST /local/clock with a bad body answers 400 VALIDATION_FAILED and does not move time', async () => {
    const before = await local().now();
    for (const body of [{}, { advanceDays: -1 }, { advanceDays: 'one' }]) {
      expectError(await http().call('POST', '/local/clock', body), 400, 'VALIDATION_FAILED');
    }
    const after = await local().now();
    expect(Date.parse(after) - Date.parse(before)).toBeLessThan(60_000);
  });

  it('/local/clock moves time by fractions of a day (advanceDays: 0.5 = 12 h)', async () => {
    const before = Date.parse(await local().now());
    const answered = await local().advanceDays(0.5);
    const after = Date.parse(await local().now());
    expect(after - before).toBeGreaterThanOrEqual(12 * 3600_000);
    expect(after - before).toBeLessThan(12 * 3600_000 + 60_000);
    if (answered) expect(Date.parse(answered)).toBeGreaterThanOrEqual(before + 12 * 3600_000);
  });

  it('a session token ages with the clock: after two days the old token is refused with 401, a new one works', async () => {
    const u = new User(local(), uid('ager'));
    const token = await u.bearer();
    const mine = await u.createWorkspace('Aging');
    await local().advanceDays(2);
    expectError(await http().call('GET', `/workspaces/${mine}/connections`, undefined, { authorization: `Bearer ${token}` }), 401, 'UNAUTHENTICATED');
    expect(await u.connections(mine)).toEqual([]);
  });

  it('/local/events lists events oldest first, each in the contract shape', async () => {
    const events = await local().events();
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expectEventShape(e);
    expectOldestFirst(events);
  });
});

