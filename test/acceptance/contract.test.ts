/**
 * Black-box acceptance suite for ../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/local-api.js';
import {
  HAS_ADMIN_ROLE,
  Http,
  Local,
  NEEDS_MEDIA,
  PAST,
  PKCE,
  PLATFORMS,
  REASONS,
  User,
  expectError,
  uid,
  type Alert,
  type BusEvent,
  type ConnectionRow,
  type Platform,
  type PostView,
  type Reason,
} from './contract-client.js';

interface Runtime {
  url: string;
  stop(): Promise<void>;
}

/**
 * Each top-level block has its own runtime (own clock, own store) and runs beside the others; the
 * tests inside one block run in order.
 */
function block(name: string, body: () => void): void {
  describe.concurrent(name, { timeout: 60_000 }, () => {
    describe.sequential('in order', body);
  });
}

/**
 * The runtimes this file uses, all started before any test runs: the local SES stand-in keeps one
 * outbox per process and clears it when a runtime starts, so no runtime may start while another
 * one's tests are sending email.
 */
const pool: { name: string; rt?: Runtime; http?: Http; local?: Local }[] = [];
beforeAll(async () => {
  for (const slot of pool) {
    slot.rt = await startTestRuntime();
    slot.http = new Http(slot.rt.url);
    slot.local = new Local(slot.http);
  }
}, 120_000);
afterAll(async () => {
  await Promise.all(pool.map((slot) => slot.rt?.stop()));
});

/** A runtime of its own for the describe block that calls this (at collection time). */
function useRuntime(): { http: () => Http; local: () => Local } {
  const slot: (typeof pool)[number] = { name: `runtime ${pool.length + 1}` };
  pool.push(slot);
  return {
    http: () => {
      if (!slot.http) throw new Error('runtime not started');
      return slot.http;
    },
    local: () => {
      if (!slot.local) throw new Error('runtime not started');
      return slot.local;
    },
  };
}

const CONNECTION_KEYS = ['connectionId', 'platform', 'externalAccountId', 'displayName', 'status', 'badge'];
// postsAtRisk: contract additions of 2026-11-30 (expired and expiring rows).
const OPTIONAL_CONNECTION_KEYS = ['reason', 'guidance', 'expiresAt', 'lastCheckedAt', 'errorCode', 'platformMessage', 'platformOutageSuspected', 'postsAtRisk'];
// schemaVersion: an addition (README changelog), in every detail.
const EVENT_DETAIL_KEYS = ['schemaVersion', 'workspaceId', 'connectionId', 'platform', 'reason', 'occurredAt', 'episodeId'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function expectConnectionShape(c: ConnectionRow): void {
  for (const k of CONNECTION_KEYS) expect(c, `missing ${k}`).toHaveProperty(k);
  for (const k of Object.keys(c)) expect([...CONNECTION_KEYS, ...OPTIONAL_CONNECTION_KEYS], `unexpected key ${k}`).toContain(k);
  expect(PLATFORMS).toContain(c.platform);
  const badge: Record<string, string> = { active: 'green', expiring: 'amber', expired: 'red' };
  expect(Object.keys(badge), `status ${c.status}`).toContain(c.status);
  expect(c.badge).toBe(badge[c.status]);
  if (c.reason !== undefined) expect(REASONS).toContain(c.reason);
  if (c.expiresAt !== undefined) expect(c.expiresAt).toMatch(ISO);
  if (c.lastCheckedAt !== undefined) expect(c.lastCheckedAt).toMatch(ISO);
}

function expectEventShape(e: BusEvent): void {
  expect(e.source).toBe('flamel.connections');
  expect(['connection.expired', 'connection.restored', 'connection.expiring', 'connection.connected', 'connection.removed']).toContain(e['detail-type']);
  for (const k of ['workspaceId', 'connectionId', 'platform', 'occurredAt', 'episodeId']) expect(e.detail, `detail.${k}`).toHaveProperty(k);
  for (const k of Object.keys(e.detail)) expect(EVENT_DETAIL_KEYS, `unexpected detail key ${k}`).toContain(k);
  expect(e.detail.occurredAt).toMatch(ISO);
}

function expectAlertShape(a: Alert): void {
  for (const k of ['alertId', 'kind', 'message', 'createdAt']) expect(a, `alert.${k}`).toHaveProperty(k);
  for (const k of Object.keys(a)) expect(['alertId', 'kind', 'connectionId', 'postId', 'message', 'createdAt', 'resolvedAt'], `unexpected alert key ${k}`).toContain(k);
  expect(a.createdAt).toMatch(ISO);
  if (a.resolvedAt !== undefined) expect(a.resolvedAt).toMatch(ISO);
}

function expectPostShape(p: PostView): void {
  for (const k of ['postId', 'connectionId', 'status', 'attempts']) expect(p, `post.${k}`).toHaveProperty(k);
  for (const k of Object.keys(p)) expect(['postId', 'connectionId', 'status', 'attempts', 'platformPostId', 'lastError', 'publishAt'], `unexpected post key ${k}`).toContain(k);
  expect(['scheduled', 'published', 'failed', 'failed_permanent']).toContain(p.status);
  expect(typeof p.attempts).toBe('number');
}

/**
 * "Oldest first": by the time each event was put on the bus (its envelope `time`, in whole seconds);
 * a detail's occurredAt is when the change happened and may precede the put by a few ms.
 */
function expectOldestFirst(events: BusEvent[]): void {
  const times = events.map((e) => Date.parse(e.time ?? e.detail.occurredAt));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  // and no event is put on the bus before one that happened more than a second after it
  for (let i = 1; i < events.length; i += 1) {
    const prev = events[i - 1];
    const cur = events[i];
    if (prev && cur) expect(Date.parse(cur.detail.occurredAt)).toBeGreaterThan(Date.parse(prev.detail.occurredAt) - 1000);
  }
}

/** The dashboard URL's result/code, for readable assertions. */
function outcome(u: URL): { result: string | null; code: string | null } {
  return { result: u.searchParams.get('result'), code: u.searchParams.get('code') };
}

function mediaFor(platform: Platform): Record<string, string> {
  return NEEDS_MEDIA.includes(platform) ? { mediaUrl: 'https://cdn.example.test/clip.mp4' } : {};
}

// ---------------------------------------------------------------------------------------------
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
    if (platform === 'tiktok') expect(q.get('client_key')).toBeTruthy();
    else expect(q.get('client_id')).toBeTruthy();
    expect(q.get('redirect_uri')).toBe(`${http().base}/oauth/${platform}/callback`);
    expect(q.get('state')?.length ?? 0).toBeGreaterThanOrEqual(16);
    expect(q.get('scope')).toBeTruthy();
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
    expect(await owner.connection(ws, connectionId)).toBeDefined();
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

// ---------------------------------------------------------------------------------------------
block('OAuth callback outcomes, per platform', () => {
  const { http, local } = useRuntime();
  let owner: User;
  beforeAll(() => {
    owner = new User(local(), uid('oauth-owner'));
  });

  describe.each(PLATFORMS)('%s', (platform) => {
    it('connect: 302 to /oauth/{platform}/callback, then 302 to the dashboard with result=connected and connectionId', async () => {
      const ws = await owner.createWorkspace(`${platform} connect`);
      const acct = uid(`${platform}-acct`);
      await local().account(platform, acct, `Acme ${platform}`);
      const url = await owner.startConnect(ws, platform);
      const cb = new URL(await local().authorize(url, acct));
      expect(cb.origin).toBe(http().base);
      expect(cb.pathname).toBe(`/oauth/${platform}/callback`);
      expect(cb.searchParams.get('code')).toBeTruthy();
      expect(cb.searchParams.get('state')).toBe(new URL(url).searchParams.get('state'));
      const done = await local().callback(cb.toString());
      expect(outcome(done)).toEqual({ result: 'connected', code: null });
      const id = done.searchParams.get('connectionId');
      const rows = await owner.connections(ws);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      if (!row) throw new Error('no row');
      expectConnectionShape(row);
      expect(row).toMatchObject({ connectionId: id, platform, externalAccountId: acct, displayName: `Acme ${platform}`, status: 'active', badge: 'green' });
      const connected = await local().eventsOf(row.connectionId, 'connection.connected');
      expect(connected.length).toBeLessThanOrEqual(1);
    });

    it('deny: result=error&code=ACCESS_DENIED and no connection', async () => {
      const ws = await owner.createWorkspace();
      const acct = uid(`${platform}-deny`);
      await local().account(platform, acct, 'Denier');
      const done = await owner.connect(ws, platform, acct, 'deny');
      expect(outcome(done)).toEqual({ result: 'error', code: 'ACCESS_DENIED' });
      expect(await owner.connections(ws)).toEqual([]);
    });

    it('replay: STATE_USED, still STATE_USED 9 minutes later, and only one connection', async () => {
      const ws = await owner.createWorkspace();
      const acct = uid(`${platform}-replay`);
      await local().account(platform, acct, 'Replayer');
      const cb = await local().authorize(await owner.startConnect(ws, platform), acct);
      expect(outcome(await local().callback(cb)).result).toBe('connected');
      expect(outcome(await local().callback(cb))).toEqual({ result: 'error', code: 'STATE_USED' });
      await local().advanceMinutes(9);
      expect(outcome(await local().callback(cb))).toEqual({ result: 'error', code: 'STATE_USED' });
      expect(await owner.connections(ws)).toHaveLength(1);
    });

    it('unknown state: STATE_INVALID; no state at all: an error, never a connection', async () => {
      const ws = await owner.createWorkspace();
      const unknown = await local().callback(`${http().base}/oauth/${platform}/callback?code=abc&state=${uid('unknown-state')}`);
      expect(outcome(unknown)).toEqual({ result: 'error', code: 'STATE_INVALID' });
      const none = await local().callback(`${http().base}/oauth/${platform}/callback?code=abc`);
      expect(none.searchParams.get('result')).toBe('error');
      expect(await owner.connections(ws)).toEqual([]);
    });

    it("a state issued for another platform's callback is refused", async () => {
      const ws = await owner.createWorkspace();
      const acct = uid(`${platform}-cross`);
      await local().account(platform, acct, 'Cross');
      const cb = new URL(await local().authorize(await owner.startConnect(ws, platform), acct));
      const other = PLATFORMS.find((p) => p !== platform) ?? 'x';
      cb.pathname = `/oauth/${other}/callback`;
      const done = await local().callback(cb.toString());
      expect(done.searchParams.get('result')).toBe('error');
      expect(await owner.connections(ws)).toEqual([]);
    });

    it('a state older than 10 minutes: STATE_EXPIRED and no connection', async () => {
      const ws = await owner.createWorkspace();
      const acct = uid(`${platform}-late`);
      await local().account(platform, acct, 'Late');
      // the state ages between the start and the platform's redirect (a fresh code, an old state)
      const start = await owner.startConnect(ws, platform);
      await local().advanceMinutes(11);
      const cb = await local().authorize(start, acct);
      expect(outcome(await local().callback(cb))).toEqual({ result: 'error', code: 'STATE_EXPIRED' });
      expect(await owner.connections(ws)).toEqual([]);
    });

    it('a state a little under 10 minutes old still works', async () => {
      const ws = await owner.createWorkspace();
      const acct = uid(`${platform}-intime`);
      await local().account(platform, acct, 'In time');
      const start = await owner.startConnect(ws, platform);
      await local().advanceMinutes(9);
      const cb = await local().authorize(start, acct);
      expect(outcome(await local().callback(cb)).result).toBe('connected');
    });

    it('wrong account on reconnect: WRONG_ACCOUNT and nothing changes', async () => {
      const ws = await owner.createWorkspace();
      const right = uid(`${platform}-right`);
      const wrong = uid(`${platform}-wrong`);
      await local().account(platform, right, 'Right');
      await local().account(platform, wrong, 'Wrong');
      const id = await owner.connected(ws, platform, right);
      const before = await owner.connections(ws);
      const eventsBefore = (await local().eventsOf(id)).length;
      const done = await owner.reconnect(ws, id, wrong);
      expect(outcome(done)).toEqual({ result: 'error', code: 'WRONG_ACCOUNT' });
      expect(await owner.connections(ws)).toEqual(before);
      expect((await local().eventsOf(id)).length).toBe(eventsBefore);
    });

    it('outage: the OAuth endpoints answer 503, a callback during it gives PLATFORM_UNAVAILABLE, control routes keep answering', async () => {
      const ws = await owner.createWorkspace();
      const acct = uid(`${platform}-outage`);
      await local().account(platform, acct, 'Outage');
      const url = await owner.startConnect(ws, platform);
      const cb = await local().authorize(url, acct);
      await local().outage(platform, true);
      try {
        const page = await fetch(`${await owner.startConnect(ws, platform)}&account=${acct}&consent=allow`, { redirect: 'manual' });
        expect(page.status).toBe(503);
        const posts = await http().call('GET', `/sandbox/${platform}/posts`);
        expect(posts.status).toBe(200);
        const done = await local().callback(cb);
        expect(outcome(done)).toEqual({ result: 'error', code: 'PLATFORM_UNAVAILABLE' });
        expect(await owner.connections(ws)).toEqual([]);
      } finally {
        await local().outage(platform, false);
      }
      // after the outage, a fresh sign-in works
      expect(await owner.connected(ws, platform, acct)).toBeTruthy();
    });
  });

  it.each(HAS_ADMIN_ROLE)('%s: a first connect by an account without the admin role says ADMIN_ROLE_REQUIRED and adds nothing', async (platform) => {
    const ws = await owner.createWorkspace();
    const acct = uid(`${platform}-editor`);
    await local().account(platform, acct, 'Editor only', false);
    expect(outcome(await owner.connect(ws, platform, acct))).toEqual({ result: 'error', code: 'ADMIN_ROLE_REQUIRED' });
    expect(await owner.connections(ws)).toEqual([]);
  });

  it.each(PLATFORMS)('%s: connecting the same account twice keeps one connection', async (platform) => {
    const ws = await owner.createWorkspace();
    const acct = uid(`${platform}-twice`);
    await local().account(platform, acct, 'Twice');
    const first = await owner.connected(ws, platform, acct);
    const again = await owner.connect(ws, platform, acct);
    expect(again.searchParams.get('result')).not.toBe('error');
    expect(again.searchParams.get('connectionId')).toBe(first);
    expect((await owner.connections(ws)).map((c) => c.connectionId)).toEqual([first]);
  });

  it('callback error redirects also carry platform and the message written for the code, never request text (changelog)', async () => {
    const done = await local().callback(`${http().base}/oauth/x/callback?code=abc&state=${uid('s')}&message=spoofed`);
    expect(done.searchParams.get('code')).toBe('STATE_INVALID');
    expect(done.searchParams.get('message')).toMatch(/browser where you started it/);
    expect(done.searchParams.get('platform')).toBe('x');
  });
});

// ---------------------------------------------------------------------------------------------
block('expiry: revoke, scan, events, alerts, emails, reconnect', () => {
  const { local } = useRuntime();

  /** What the scan must report for a revoke with this reason, where the platform can tell. */
  function expectedReason(platform: Platform, reason: Reason): Reason | undefined {
    if (platform === 'facebook' || platform === 'instagram') return reason;
    if (platform === 'linkedin' && (reason === 'token_expired' || reason === 'revoked' || reason === 'admin_role_lost')) return reason;
    return undefined;
  }

  interface Case {
    platform: Platform;
    reason: Reason;
    owner: User;
    ws: string;
    account: string;
    connectionId: string;
  }
  const cases: Case[] = [];
  const owners = new Map<Platform, { user: User; ws: string }>();

  beforeAll(async () => {
    for (const platform of PLATFORMS) {
      const user = new User(local(), uid(`exp-${platform}`), `${uid(platform)}@owners.example.test`);
      const ws = await user.createWorkspace(`Expiry ${platform}`);
      owners.set(platform, { user, ws });
      for (const reason of REASONS) {
        const account = uid(`${platform}-${reason}`);
        await local().account(platform, account, `${platform} ${reason}`);
        const connectionId = await user.connected(ws, platform, account);
        cases.push({ platform, reason, owner: user, ws, account, connectionId });
      }
    }
    for (const c of cases) await local().revoke(c.platform, c.account, c.reason);
    await local().advanceDays(1);
  });

  it('the scan finds every revoked connection the next day and answers {checked, expired, expiring, refreshed}', async () => {
    const scan = await local().scan();
    expect(scan).toMatchObject({ checked: expect.any(Number), expired: expect.any(Number), expiring: expect.any(Number), refreshed: expect.any(Number) });
    expect(scan.checked).toBeGreaterThanOrEqual(cases.length);
    expect(scan.expired).toBe(cases.length);
    await local().drain();
  });

  it.each(PLATFORMS)('%s: every revoke reason turns the connection red with a reason and guidance', async (platform) => {
    const mine = cases.filter((c) => c.platform === platform);
    const first = mine[0];
    if (!first) throw new Error('no cases');
    const rows = await first.owner.connections(first.ws);
    const problems: string[] = [];
    for (const c of mine) {
      const row = rows.find((r) => r.connectionId === c.connectionId);
      if (!row) {
        problems.push(`${c.reason}: missing`);
        continue;
      }
      expectConnectionShape(row);
      const want = expectedReason(platform, c.reason);
      if (row.status !== 'expired' || row.badge !== 'red') problems.push(`${c.reason}: ${row.status}/${row.badge}`);
      else if (!row.reason || !REASONS.includes(row.reason as Reason)) problems.push(`${c.reason}: reason ${String(row.reason)}`);
      else if (want && row.reason !== want) problems.push(`${c.reason}: reported as ${row.reason}`);
      if (!row.guidance) problems.push(`${c.reason}: no guidance`);
    }
    expect(problems).toEqual([]);
  });

  it('exactly one connection.expired event per episode, with the contract detail', async () => {
    const all = await local().events();
    const problems: string[] = [];
    for (const c of cases) {
      const expired = all.filter((e) => e.detail?.connectionId === c.connectionId && e['detail-type'] === 'connection.expired');
      if (expired.length !== 1) {
        problems.push(`${c.platform}/${c.reason}: ${expired.length} expired events`);
        continue;
      }
      const e = expired[0];
      if (!e) continue;
      expectEventShape(e);
      expect(e.detail).toMatchObject({ workspaceId: c.ws, connectionId: c.connectionId, platform: c.platform, reason: expect.any(String), episodeId: expect.any(String) });
      expect(REASONS).toContain(e.detail.reason);
      const row = (await c.owner.connections(c.ws)).find((r) => r.connectionId === c.connectionId);
      if (row?.reason !== e.detail.reason) problems.push(`${c.platform}/${c.reason}: event says ${String(e.detail.reason)}, dashboard ${String(row?.reason)}`);
    }
    expect(problems).toEqual([]);
    const episodes = all.filter((e) => e['detail-type'] === 'connection.expired').map((e) => e.detail.episodeId);
    expect(new Set(episodes).size).toBe(episodes.length);
  });

  it('each expired connection gets one open connection_expired alert', async () => {
    const problems: string[] = [];
    for (const [platform, { user, ws }] of owners) {
      const alerts = await user.alerts(ws);
      for (const a of alerts) expectAlertShape(a);
      for (const c of cases.filter((k) => k.platform === platform)) {
        const mine = alerts.filter((a) => a.kind === 'connection_expired' && a.connectionId === c.connectionId);
        if (mine.length !== 1 || mine[0]?.resolvedAt) problems.push(`${platform}/${c.reason}: ${JSON.stringify(mine)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the owner gets one email per episode, with {to, subject, text, html, sentAt}', async () => {
    for (const [, { user }] of owners) {
      const mails = await local().emailsTo(user.email);
      expect(mails).toHaveLength(REASONS.length);
      for (const m of mails) {
        expect(m).toMatchObject({ subject: expect.any(String), text: expect.any(String), html: expect.any(String), sentAt: expect.stringMatching(ISO) });
        expect(m.subject.length).toBeGreaterThan(0);
        expect(m.text.length).toBeGreaterThan(0);
        expect(m.html).toMatch(/</);
      }
    }
  });

  it("the email's Reconnect link leads somewhere that answers (not a 404)", async () => {
    const first = owners.get('facebook');
    if (!first) throw new Error('no owner');
    const mails = await local().emailsTo(first.user.email);
    const links = [...(mails[0]?.text ?? '').matchAll(/https?:\/\/[^\s)"'<>]+/g)].map((m) => m[0]).filter((u) => /reconnect/i.test(u));
    expect(links.length).toBeGreaterThan(0);
    const link = links[0] ?? '';
    expect(link.startsWith(local().http.base)).toBe(true);
    const res = await fetch(link, { redirect: 'manual' });
    expect(res.status).toBeLessThan(400);
  });

  it('deny on a reconnect: ACCESS_DENIED, and the connection stays expired', async () => {
    const c = cases.find((k) => k.platform === 'instagram' && k.reason === 'security_review');
    if (!c) throw new Error('no case');
    const before = await c.owner.connection(c.ws, c.connectionId);
    const done = await c.owner.reconnect(c.ws, c.connectionId, c.account, 'deny');
    expect(outcome(done)).toEqual({ result: 'error', code: 'ACCESS_DENIED' });
    expect(await c.owner.connection(c.ws, c.connectionId)).toEqual(before);
  });

  it('a second scan the next day opens no second episode and sends no second email', async () => {
    const before = (await local().events()).filter((e) => e['detail-type'] === 'connection.expired').length;
    const mine = async (): Promise<number> => {
      let n = 0;
      for (const [, { user }] of owners) n += (await local().emailsTo(user.email)).length;
      return n;
    };
    const mailsBefore = await mine();
    await local().advanceDays(1);
    const scan = await local().scan();
    expect(scan.expired).toBe(0);
    await local().drain();
    expect((await local().events()).filter((e) => e['detail-type'] === 'connection.expired').length).toBe(before);
    expect(await mine()).toBe(mailsBefore);
  });

  it.each(PLATFORMS)('%s: reconnect as the same account (signing in again after the revoke) restores it: result=restored, connection.restored in the same episode, alert resolved', async (platform) => {
    const c = cases.find((k) => k.platform === platform && k.reason === 'password_changed');
    if (!c) throw new Error('no case');
    const done = await c.owner.reconnect(c.ws, c.connectionId, c.account);
    expect(outcome(done)).toEqual({ result: 'restored', code: null });
    expect(done.searchParams.get('connectionId')).toBe(c.connectionId);
    const row = await c.owner.connection(c.ws, c.connectionId);
    expect(row).toMatchObject({ status: 'active', badge: 'green' });
    expect(row?.reason).toBeUndefined();
    await local().drain();
    const expired = await local().eventsOf(c.connectionId, 'connection.expired');
    const restored = await local().eventsOf(c.connectionId, 'connection.restored');
    expect(expired).toHaveLength(1);
    expect(restored).toHaveLength(1);
    const r = restored[0];
    if (!r) throw new Error('no restored event');
    expectEventShape(r);
    expect(r.detail).toMatchObject({ workspaceId: c.ws, connectionId: c.connectionId, platform, episodeId: expired[0]?.detail.episodeId });
    const alert = (await c.owner.alerts(c.ws)).find((a) => a.kind === 'connection_expired' && a.connectionId === c.connectionId);
    expect(alert?.resolvedAt).toMatch(ISO);
    // the restored connection is checked again and stays green (the new tokens work)
    await local().advanceDays(1);
    await local().scan();
    expect(await c.owner.connection(c.ws, c.connectionId)).toMatchObject({ status: 'active', badge: 'green' });
  });

  it('a reconnect on an expired connection as the wrong account: WRONG_ACCOUNT and it stays expired with its reason', async () => {
    const c = cases.find((k) => k.platform === 'tiktok' && k.reason === 'revoked');
    if (!c) throw new Error('no case');
    const wrong = uid('tiktok-other');
    await local().account('tiktok', wrong, 'Someone else');
    const before = await c.owner.connection(c.ws, c.connectionId);
    const done = await c.owner.reconnect(c.ws, c.connectionId, wrong);
    expect(outcome(done)).toEqual({ result: 'error', code: 'WRONG_ACCOUNT' });
    expect(await c.owner.connection(c.ws, c.connectionId)).toEqual(before);
    expect(await local().eventsOf(c.connectionId, 'connection.restored')).toEqual([]);
  });

  describe.each(HAS_ADMIN_ROLE)('%s: admin role taken away', (platform) => {
    it('scan says admin_role_lost; reconnect says ADMIN_ROLE_REQUIRED and it stays expired; with the role back, reconnect restores', async () => {
      const owner = new User(local(), uid(`admin-${platform}`));
      const ws = await owner.createWorkspace();
      const acct = uid(`${platform}-admin`);
      await local().account(platform, acct, 'Admin page');
      const id = await owner.connected(ws, platform, acct);
      await local().setAdmin(platform, acct, false);
      await local().advanceDays(1);
      await local().scan();
      await local().drain();
      const row = await owner.connection(ws, id);
      expect(row).toMatchObject({ status: 'expired', badge: 'red', reason: 'admin_role_lost' });
      expect(row?.guidance ?? '').toMatch(/admin/i);
      expect(await local().eventsOf(id, 'connection.expired')).toHaveLength(1);

      const refused = await owner.reconnect(ws, id, acct);
      expect(outcome(refused)).toEqual({ result: 'error', code: 'ADMIN_ROLE_REQUIRED' });
      expect(await owner.connection(ws, id)).toMatchObject({ status: 'expired', badge: 'red', reason: 'admin_role_lost' });
      await local().drain();
      expect(await local().eventsOf(id, 'connection.expired')).toHaveLength(1);
      expect(await local().eventsOf(id, 'connection.restored')).toHaveLength(0);

      await local().setAdmin(platform, acct, true);
      const back = await owner.reconnect(ws, id, acct);
      expect(outcome(back)).toEqual({ result: 'restored', code: null });
      expect(await owner.connection(ws, id)).toMatchObject({ status: 'active', badge: 'green' });
    });
  });

  it('an outage is not an expiry: a scan during an outage leaves a working connection usable once the platform is back', async () => {
    const owner = new User(local(), uid('outage-owner'));
    const ws = await owner.createWorkspace();
    const acct = uid('li-outage');
    await local().account('linkedin', acct, 'Outage Co');
    const id = await owner.connected(ws, 'linkedin', acct);
    await local().advanceDays(1);
    await local().outage('linkedin', true);
    try {
      await local().scan();
      await local().drain();
      const row = await owner.connection(ws, id);
      expect(row?.reason === undefined || row.reason !== 'revoked').toBe(true);
      expect(await local().eventsOf(id, 'connection.expired')).toHaveLength(0);
    } finally {
      await local().outage('linkedin', false);
    }
  });

  it('/local/events stays oldest first after a busy run', async () => {
    expectOldestFirst(await local().events());
  });
});

// ---------------------------------------------------------------------------------------------
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
      expect(failed.lastError).toBeDefined();
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
      expect(published.platformPostId).toBeTruthy();
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
    expect(http().base).toBeTruthy();
  });
});

// ---------------------------------------------------------------------------------------------
block('LinkedIn consent, hub admins, oversized bodies', () => {
describe('LinkedIn: amber in the last 14 days of its 365-day consent, red token_expired after', () => {
  const { local } = useRuntime();
  let owner: User;
  let ws: string;
  let acct: string;
  let id: string;
  let consentedAt: number;

  beforeAll(async () => {
    owner = new User(local(), uid('li-owner'));
    ws = await owner.createWorkspace('LinkedIn');
    acct = uid('li-company');
    await local().account('linkedin', acct, 'Acme Co');
    consentedAt = Date.parse(await local().now());
    id = await owner.connected(ws, 'linkedin', acct);
  });

  it('day 350 (15 days left): still green, before and after the scan (refreshed past the 60-day access token)', async () => {
    await local().advanceDays(350);
    expect(await owner.connection(ws, id)).toMatchObject({ status: 'active', badge: 'green' });
    const scan = await local().scan();
    expect(scan.expired).toBe(0);
    await local().drain();
    expect(await owner.connection(ws, id)).toMatchObject({ status: 'active', badge: 'green' });
  });

  it('day 352 (13 days left): amber even before the scan, amber after it, expiresAt at the end of the consent, and it still publishes', async () => {
    await local().advanceDays(2);
    const before = await owner.connection(ws, id);
    expect(before).toMatchObject({ status: 'expiring', badge: 'amber' });
    const scan = await local().scan();
    expect(scan.expiring).toBeGreaterThanOrEqual(1);
    await local().drain();
    const row = await owner.connection(ws, id);
    if (!row) throw new Error('no row');
    expectConnectionShape(row);
    expect(row).toMatchObject({ status: 'expiring', badge: 'amber' });
    expect(row.expiresAt).toBeDefined();
    const end = Date.parse(row.expiresAt ?? '');
    expect(Math.abs(end - (consentedAt + 365 * 86_400_000))).toBeLessThan(2 * 86_400_000);
    expect(await local().eventsOf(id, 'connection.expired')).toHaveLength(0);

    const text = `amber ${uid('li')}`;
    const postId = await owner.schedule(ws, id, 'linkedin', text, PAST);
    await local().publishDue();
    await local().drain();
    expect((await owner.post(ws, postId)).status).toBe('published');
  });

  it('day 366: red token_expired even before the scan; the scan opens one episode (event, alert, email)', async () => {
    await local().advanceDays(14);
    expect(await owner.connection(ws, id)).toMatchObject({ status: 'expired', badge: 'red', reason: 'token_expired' });
    await local().scan();
    await local().drain();
    expect(await owner.connection(ws, id)).toMatchObject({ status: 'expired', badge: 'red', reason: 'token_expired' });
    const expired = await local().eventsOf(id, 'connection.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]?.detail.reason).toBe('token_expired');
    expect((await owner.alerts(ws)).filter((a) => a.kind === 'connection_expired' && a.connectionId === id)).toHaveLength(1);
    // One amber warning (day 352), then one email for the drop.
    const subjects = (await local().emailsTo(owner.email)).map((e) => e.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects.filter((s) => /^Reconnect before/.test(s))).toHaveLength(1);
    expect(subjects.filter((s) => /disconnected/.test(s))).toHaveLength(1);
  });

  it('reconnect gives a fresh year of consent: green, restored', async () => {
    const done = await owner.reconnect(ws, id, acct);
    expect(outcome(done)).toEqual({ result: 'restored', code: null });
    const row = await owner.connection(ws, id);
    expect(row).toMatchObject({ status: 'active', badge: 'green' });
    await local().advanceDays(30);
    await local().scan();
    expect(await owner.connection(ws, id)).toMatchObject({ status: 'active', badge: 'green' });
  });
});

describe('hub admins', () => {
  const { local } = useRuntime();
  let owner: User;
  let hubAdmin: User;
  let stranger: User;
  let hubId: string;
  let ws: string;

  beforeAll(async () => {
    owner = new User(local(), uid('hub-owner'));
    hubAdmin = new User(local(), uid('hub-admin'));
    stranger = new User(local(), uid('hub-stranger'));
    ws = await owner.createWorkspace('Client');
    const h = await hubAdmin.call<{ hubId: string }>('POST', '/hubs', { name: 'Agency' });
    expect(h.status).toBe(201);
    hubId = h.body.hubId;
  });

  it('before the workspace is in the hub, the hub admin is refused with 403 FORBIDDEN (with or without context)', async () => {
    expectError(await hubAdmin.call('GET', `/workspaces/${ws}/connections`), 403, 'FORBIDDEN');
    expectError(await hubAdmin.call('GET', `/workspaces/${ws}/connections`, undefined, { 'x-workspace-context': ws }), 403, 'FORBIDDEN');
  });

  it('a non-owner cannot put the workspace in a hub (403), not even the hub admin', async () => {
    const own = await stranger.call<{ hubId: string }>('POST', '/hubs', { name: 'Stranger hub' });
    expectError(await stranger.call('POST', `/hubs/${own.body.hubId}/workspaces`, { workspaceId: ws }), 403, 'FORBIDDEN');
    expectError(await hubAdmin.call('POST', `/hubs/${hubId}/workspaces`, { workspaceId: ws }), 403, 'FORBIDDEN');
    expectError(await owner.call('POST', `/hubs/${hubId}/workspaces`, {}), 400, 'VALIDATION_FAILED');
  });

  it('the owner puts it in the hub: 204', async () => {
    const r = await owner.call('POST', `/hubs/${hubId}/workspaces`, { workspaceId: ws });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
  });

  it.each([
    ['GET', 'connections', undefined],
    ['POST', 'connections', { platform: 'x' }],
    ['GET', 'alerts', undefined],
  ] as const)('without X-Workspace-Context the hub admin gets 403 WORKSPACE_CONTEXT_REQUIRED: %s %s', async (method, path, body) => {
    expectError(await hubAdmin.call(method, `/workspaces/${ws}/${path}`, body), 403, 'WORKSPACE_CONTEXT_REQUIRED');
  });

  it('a context naming another workspace does not open this one', async () => {
    const other = await hubAdmin.createWorkspace('Hub admin own');
    const r = await hubAdmin.call('GET', `/workspaces/${ws}/connections`, undefined, { 'x-workspace-context': other });
    expect(r.status).toBe(403);
    expect(['FORBIDDEN', 'WORKSPACE_CONTEXT_REQUIRED']).toContain((r.body as { error?: { code?: string } }).error?.code);
  });

  it('in context, the hub admin lists, connects and reconnects', async () => {
    hubAdmin.context = ws;
    try {
      expect(await hubAdmin.connections(ws)).toEqual([]);
      const acct = uid('hub-fb');
      await local().account('facebook', acct, 'Client Page');
      const id = await hubAdmin.connected(ws, 'facebook', acct);
      expect(await owner.connection(ws, id)).toMatchObject({ status: 'active', externalAccountId: acct });

      await local().revoke('facebook', acct, 'policy_update');
      await local().advanceDays(1);
      await local().scan();
      await local().drain();
      expect(await hubAdmin.connection(ws, id)).toMatchObject({ status: 'expired', badge: 'red' });
      const done = await hubAdmin.reconnect(ws, id, acct);
      expect(outcome(done)).toEqual({ result: 'restored', code: null });
      expect(await owner.connection(ws, id)).toMatchObject({ status: 'active', badge: 'green' });
    } finally {
      hubAdmin.context = undefined;
    }
  });

  it('posts routes also need the context for the hub admin', async () => {
    expectError(await hubAdmin.call('GET', `/workspaces/${ws}/posts/${uid('p')}`), 403, 'WORKSPACE_CONTEXT_REQUIRED');
    const inContext = await hubAdmin.call('GET', `/workspaces/${ws}/posts/${uid('p')}`, undefined, { 'x-workspace-context': ws });
    expectError(inContext, 404, 'NOT_FOUND');
  });

  it('the hub admin of another hub is refused even in context', async () => {
    const r = await stranger.call('GET', `/workspaces/${ws}/connections`, undefined, { 'x-workspace-context': ws });
    expectError(r, 403, 'FORBIDDEN');
  });

  it('POST /workspaces {name, hubId}: the hub admin creates a workspace in its hub and owns it (201)', async () => {
    const ws2 = await hubAdmin.createWorkspace('Client 2', hubId);
    const r = await hubAdmin.call('GET', `/workspaces/${ws2}/connections`);
    expect(r.status).toBe(200);
    expectError(await stranger.call('GET', `/workspaces/${ws2}/connections`, undefined, { 'x-workspace-context': ws2 }), 403, 'FORBIDDEN');
  });

  it('the owner needs no context for their own workspace', async () => {
    expect((await owner.call('GET', `/workspaces/${ws}/connections`)).status).toBe(200);
  });
});

describe('oversized bodies (last: a failure here may leave a connection hung)', () => {
  const { http, local } = useRuntime();

  it('a body over the size limit answers 413 PAYLOAD_TOO_LARGE in the error shape', async () => {
    const owner = new User(local(), uid('big'));
    const r = await owner.call('POST', '/workspaces', { name: 'x'.repeat(2 * 1024 * 1024) });
    expectError(r, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('after a 413 the server keeps answering the same client (no hung or reset keep-alive connection)', async () => {
    const big = await fetch(`${http().base}/local/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'x'.repeat(2 * 1024 * 1024), email: 'a@example.test' }) });
    expect(big.status).toBe(413);
    await big.text();
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      try {
        const r = await fetch(`${http().base}/local/clock`, { signal: AbortSignal.timeout(3000) });
        outcomes.push(String(r.status));
        await r.text();
      } catch (e) {
        outcomes.push(`request ${i + 1}: ${String((e as Error).name)} ${String((e as { cause?: unknown }).cause ?? '')}`);
      }
    }
    expect(outcomes).toEqual(['200', '200', '200', '200']);
  });
});
});
