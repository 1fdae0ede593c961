import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { PLATFORMS, type Platform } from '../../../shared/config/platforms.js';
import type { ErrorCode } from '../../../shared/domain/errors.js';
import { callbackErrorMessage, callbackRedirectMessage } from '../../../shared/domain/notifications/callback-messages.js';
import { ApiClient, startTestRuntime, type ConnectionRow } from '../../helpers/local-api.js';

/**
 * The words the dashboard shows for a callback's error redirect: looked up by its code. The redirect's
 * own `message` is that table's text for the code (never the request's), the account left generic.
 */
function words(r: URL, account?: string): string {
  const platform = r.searchParams.get('platform');
  expect(r.searchParams.get('message')).toBe(callbackRedirectMessage(r.searchParams.get('code') as ErrorCode, PLATFORMS.find((p) => p === platform)));
  const message = callbackErrorMessage(r.searchParams.get('code') as ErrorCode, PLATFORMS.find((p) => p === platform));
  return message.split('{account}').join(account ? `\u201c${account}\u201d` : 'this account');
}

let rt: LocalRuntime;
let owner: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('oauth-owner', 'owner@acme.test');
});
afterAll(async () => {
  await rt.stop();
});

const PKCE: Platform[] = ['x', 'tiktok'];

describe.each(PLATFORMS)('%s: connect and reconnect through the sandbox', (platform) => {
  const id = (n: string) => `${platform}-${n}`;

  it('connects, then a reconnect after a revoke restores the same connection', async () => {
    const ws = await owner.createWorkspace(`${platform} ws`);
    await owner.sandboxAccount(platform, id('page'), `Acme on ${platform}`);
    const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform });
    expect(start.status).toBe(201);
    const authorize = new URL(start.body.authorizeUrl);
    const q = authorize.searchParams;
    expect(q.get('state')?.length).toBeGreaterThanOrEqual(43);
    expect(q.get('redirect_uri')).toBe(`${rt.url}/oauth/${platform}/callback`);
    expect(q.get('client_id')).toMatch(/\S/);
    expect(q.get('scope')).toMatch(/\S/);
    expect(q.get('code_challenge_method')).toBe(PKCE.includes(platform) ? 'S256' : null);

    const done = await owner.authorize(start.body.authorizeUrl, id('page'));
    expect(done.origin).toBe(rt.url);
    expect(done.searchParams.get('result')).toBe('connected');
    const [c] = await owner.connections(ws);
    expect(c).toMatchObject({ platform, externalAccountId: id('page'), status: 'active', badge: 'green' });

    await owner.call('POST', `/sandbox/${platform}/accounts/${id('page')}/revoke`, { reason: 'password_changed' });
    rt.clock.advanceDays(8);
    await owner.login('oauth-owner', 'owner@acme.test');
    const scan = await owner.call<{ checked: number; expired: number }>('POST', '/local/scan');
    expect(scan.body.expired).toBeGreaterThanOrEqual(1);
    const [expired] = await owner.connections(ws);
    expect(expired).toMatchObject({ status: 'expired', badge: 'red' });
    expect(expired!.guidance).toMatch(/Reconnect/);

    const back = await owner.reconnect(ws, c!.connectionId, id('page'));
    expect(back.searchParams.get('result')).toBe('restored');
    expect(back.searchParams.get('connectionId')).toBe(c!.connectionId);
    const [restored] = await owner.connections(ws);
    expect(restored).toMatchObject({ connectionId: c!.connectionId, status: 'active', badge: 'green' });
    const events = (await owner.call<{ events: { 'detail-type': string; detail: { connectionId: string; episodeId: string } }[] }>('GET', '/local/events')).body.events.filter(
      (e) => e.detail.connectionId === c!.connectionId,
    );
    const expiredEvents = events.filter((e) => e['detail-type'] === 'connection.expired');
    const restoredEvents = events.filter((e) => e['detail-type'] === 'connection.restored');
    expect(expiredEvents).toHaveLength(1);
    expect(restoredEvents).toHaveLength(1);
    expect(restoredEvents[0]!.detail.episodeId).toBe(expiredEvents[0]!.detail.episodeId);
  });

  it('refuses a reconnect under another account and changes nothing', async () => {
    const ws = await owner.createWorkspace();
    await owner.sandboxAccount(platform, id('right'), 'Right account');
    await owner.sandboxAccount(platform, id('wrong'), 'Wrong account');
    await owner.connect(ws, platform, id('right'));
    const [before] = await owner.connections(ws);
    const r = await owner.reconnect(ws, before!.connectionId, id('wrong'));
    expect(r.searchParams.get('result')).toBe('error');
    expect(r.searchParams.get('code')).toBe('WRONG_ACCOUNT');
    expect(words(r, 'Right account')).toMatch(/sign in .*as the admin of \u201cRight account\u201d/i);
    // Where the connection is a Page, signing in as the right person who lost every role on it looks the same: say so.
    if (platform === 'tiktok' || platform === 'x') expect(words(r)).not.toMatch(/role/);
    else expect(words(r)).toMatch(/may have lost its role on the (Company )?Page: get the admin role back first/);
    expect(await owner.connections(ws)).toEqual([before]);
  });

  it('access_denied on the platform gives ACCESS_DENIED and no connection', async () => {
    const ws = await owner.createWorkspace();
    await owner.sandboxAccount(platform, id('deny'), 'Denier');
    const r = await owner.connect(ws, platform, id('deny'), 'deny');
    expect(r.searchParams.get('code')).toBe('ACCESS_DENIED');
    expect(words(r)).toMatch(/Allow/);
    expect(await owner.connections(ws)).toEqual([]);
  });
});

describe.each(['facebook', 'instagram', 'linkedin'] as const)('%s: admin role', (platform) => {
  it('a reconnect without the admin role answers ADMIN_ROLE_REQUIRED and keeps it expired (admin_role_lost)', async () => {
    const ws = await owner.createWorkspace();
    const acct = `${platform}-admin-page`;
    await owner.sandboxAccount(platform, acct, 'Admin Page');
    await owner.connect(ws, platform, acct);
    const [c] = await owner.connections(ws);
    await owner.call('POST', `/sandbox/${platform}/accounts/${acct}/admin`, { isAdmin: false });
    const r = await owner.reconnect(ws, c!.connectionId, acct);
    expect(r.searchParams.get('code')).toBe('ADMIN_ROLE_REQUIRED');
    expect(words(r)).toMatch(/admin role .* back first/i);
    const [after] = await owner.connections(ws);
    expect(after).toMatchObject({ status: 'expired', reason: 'admin_role_lost', badge: 'red' });
    expect(after!.guidance).toMatch(/back first/);

    await owner.call('POST', `/sandbox/${platform}/accounts/${acct}/admin`, { isAdmin: true });
    expect((await owner.reconnect(ws, c!.connectionId, acct)).searchParams.get('result')).toBe('restored');
  });

  it('ADMIN_ROLE_REQUIRED after an earlier expiry shows admin_role_lost, not the earlier reason\'s platform message', async () => {
    const ws = await owner.createWorkspace();
    const acct = `${platform}-stale-msg`;
    await owner.sandboxAccount(platform, acct, 'Stale Page');
    await owner.connect(ws, platform, acct);
    await owner.call('POST', `/sandbox/${platform}/accounts/${acct}/revoke`, { reason: 'token_expired' });
    rt.clock.advanceDays(2);
    await owner.login('oauth-owner', 'owner@acme.test');
    await owner.call('POST', '/local/scan');
    const [dropped] = (await owner.connections(ws)) as (ConnectionRow & { platformMessage?: string })[];
    expect(dropped).toMatchObject({ status: 'expired', reason: 'token_expired' });
    expect(dropped!.platformMessage).toMatch(/\S/);

    await owner.call('POST', `/sandbox/${platform}/accounts/${acct}/admin`, { isAdmin: false });
    const r = await owner.reconnect(ws, dropped!.connectionId, acct);
    expect(r.searchParams.get('code')).toBe('ADMIN_ROLE_REQUIRED');
    const [after] = (await owner.connections(ws)) as (ConnectionRow & { platformMessage?: string })[];
    expect(after).toMatchObject({ status: 'expired', reason: 'admin_role_lost' });
    expect(after!.platformMessage).toBeUndefined();
    expect(after!.guidance).toMatch(/back first/);
  });

  it('a non-admin (e.g. an editor of the same Page) signing in for a working connection changes nothing', async () => {
    const ws = await owner.createWorkspace();
    const acct = `${platform}-editor-signs-in`;
    await owner.sandboxAccount(platform, acct, 'Working Page');
    await owner.connect(ws, platform, acct);
    const before = await owner.connections(ws);
    // The sandbox has one person per Page: stand in for a second person who has the Page without its admin role.
    const adapter = rt.deps.platforms[platform];
    const spy = vi.spyOn(adapter, 'identify').mockResolvedValue({ ok: true, value: { externalAccountId: acct, displayName: 'Working Page', isAdmin: false } });
    try {
      const viaReconnect = await owner.reconnect(ws, before[0]!.connectionId, acct);
      expect(viaReconnect.searchParams.get('code')).toBe('ADMIN_ROLE_REQUIRED');
      expect(words(viaReconnect)).toMatch(/admin role on the (Company )?Page back first/);
      const viaConnect = await owner.connect(ws, platform, acct);
      expect(viaConnect.searchParams.get('code')).toBe('ADMIN_ROLE_REQUIRED');
    } finally {
      spy.mockRestore();
    }
    expect(await owner.connections(ws)).toEqual(before);
    const events = (await owner.call<{ events: { 'detail-type': string; detail: { connectionId: string } }[] }>('GET', '/local/events')).body.events;
    expect(events.filter((e) => e.detail.connectionId === before[0]!.connectionId && e['detail-type'] === 'connection.expired')).toEqual([]);
  });

  it('the scan reads a lost admin role as admin_role_lost', async () => {
    const ws = await owner.createWorkspace();
    const acct = `${platform}-scan-admin`;
    await owner.sandboxAccount(platform, acct, 'Scanned Page');
    await owner.connect(ws, platform, acct);
    await owner.call('POST', `/sandbox/${platform}/accounts/${acct}/admin`, { isAdmin: false });
    rt.clock.advanceDays(8);
    await owner.login('oauth-owner', 'owner@acme.test');
    await owner.call('POST', '/local/scan');
    const [c] = await owner.connections(ws);
    expect(c).toMatchObject({ status: 'expired', reason: 'admin_role_lost' });
  });
});

describe('OAuth state', () => {
  it('unknown, replayed and expired states answer STATE_INVALID, STATE_USED and STATE_EXPIRED', async () => {
    const ws = await owner.createWorkspace();
    await owner.sandboxAccount('x', 'x-state', 'State test');
    const forged = await owner.followCallback(`${rt.url}/oauth/x/callback?code=abc&state=forged-state-value`);
    expect(forged.searchParams.get('code')).toBe('STATE_INVALID');

    const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'x' });
    const toCallback = await fetch(`${start.body.authorizeUrl}&account=x-state&consent=allow`, { redirect: 'manual' });
    const callback = toCallback.headers.get('location')!;
    expect((await owner.followCallback(callback)).searchParams.get('result')).toBe('connected');
    const replay = await owner.followCallback(callback);
    expect(replay.searchParams.get('code')).toBe('STATE_USED');
    expect(await owner.connections(ws)).toHaveLength(1);

    // Bound to its platform: a state for X is not valid on the TikTok callback.
    const start2 = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'x' });
    const state2 = new URL(start2.body.authorizeUrl).searchParams.get('state')!;
    expect((await owner.followCallback(`${rt.url}/oauth/tiktok/callback?code=abc&state=${state2}`)).searchParams.get('code')).toBe('STATE_INVALID');

    const start3 = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'x' });
    const late = await fetch(`${start3.body.authorizeUrl}&account=x-state&consent=allow`, { redirect: 'manual' });
    rt.clock.advanceMs(11 * 60_000);
    expect((await owner.followCallback(late.headers.get('location')!)).searchParams.get('code')).toBe('STATE_EXPIRED');
    expect(await owner.connections(ws)).toHaveLength(1);
  });

  it('LinkedIn\'s own cancel answers (user_cancelled_authorize / _login) read as the person saying no; free text is never echoed', async () => {
    const ws = await owner.createWorkspace();
    const stateFor = async (platform: Platform): Promise<string> =>
      new URL((await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform })).body.authorizeUrl).searchParams.get('state')!;
    for (const error of ['user_cancelled_authorize', 'user_cancelled_login']) {
      const r = await owner.followCallback(`${rt.url}/oauth/linkedin/callback?error=${error}&error_description=The+user+cancelled+the+authorization&state=${await stateFor('linkedin')}`);
      expect(r.searchParams.get('code')).toBe('ACCESS_DENIED');
      expect(words(r)).toMatch(/You cancelled the LinkedIn permissions screen.*Allow/);
    }
    const crafted = await owner.followCallback(`${rt.url}/oauth/x/callback?error=${encodeURIComponent('Call 555-0100 at evil.example to restore access')}&state=${await stateFor('x')}`);
    expect(crafted.searchParams.get('code')).toBe('ACCESS_DENIED');
    expect(crafted.toString()).not.toMatch(/evil|555/);
    expect(words(crafted)).toMatch(/Click Connect or Reconnect/);
    expect(await owner.connections(ws)).toEqual([]);
  });

  it('an outage at the platform answers PLATFORM_UNAVAILABLE', async () => {
    const ws = await owner.createWorkspace();
    await owner.sandboxAccount('linkedin', 'li-outage', 'Outage Co');
    const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'linkedin' });
    const toCallback = await fetch(`${start.body.authorizeUrl}&account=li-outage&consent=allow`, { redirect: 'manual' });
    await owner.call('POST', '/sandbox/linkedin/outage', { down: true });
    const r = await owner.followCallback(toCallback.headers.get('location')!);
    await owner.call('POST', '/sandbox/linkedin/outage', { down: false });
    expect(r.searchParams.get('code')).toBe('PLATFORM_UNAVAILABLE');
    expect(words(r)).toMatch(/status page/);
  });
});

describe('remove, then add fresh', () => {
  it('the removed account\'s failed posts move to the new connection and retry', async () => {
    const ws = await owner.createWorkspace('Fresh');
    await owner.sandboxAccount('x', 'x-fresh', 'Fresh X');
    await owner.connect(ws, 'x', 'x-fresh');
    const [old] = await owner.connections(ws);
    await owner.call('POST', '/sandbox/x/accounts/x-fresh/revoke', { reason: 'password_changed' });
    const post = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId: old!.connectionId, text: 'Fresh start', publishAt: '2020-01-01T00:00:00Z' });
    await owner.call('POST', '/local/publish-due');
    expect((await owner.call<{ status: string }>('GET', `/workspaces/${ws}/posts/${post.body.postId}`)).body.status).toBe('failed');

    expect((await owner.call('DELETE', `/workspaces/${ws}/connections/${old!.connectionId}`)).status).toBe(204);
    expect(await owner.connections(ws)).toEqual([]);
    const stored = await rt.deps.store.connections.get(ws, old!.connectionId);
    expect(stored).toMatchObject({ status: 'removed' });
    expect(stored!.tokens).toBeUndefined();

    const added = await owner.connect(ws, 'x', 'x-fresh');
    expect(added.searchParams.get('result')).toBe('connected');
    await owner.call('POST', '/local/drain');
    const after = await owner.call<{ status: string; connectionId: string }>('GET', `/workspaces/${ws}/posts/${post.body.postId}`);
    expect(after.body).toMatchObject({ status: 'published', connectionId: added.searchParams.get('connectionId') });
    const published = (await owner.call<{ posts: { text: string }[] }>('GET', '/sandbox/x/posts')).body.posts.filter((p) => p.text === 'Fresh start');
    expect(published).toHaveLength(1);
  });
});

describe('the workspace option to skip late retries', () => {
  it('by default late posts still go out; with the option, posts more than N hours late are skipped with a clear reason', async () => {
    const ws = await owner.createWorkspace('Skip late');
    expect((await owner.call('PUT', `/workspaces/${ws}/settings`, { skipRetriesOlderThanHours: 0 })).body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await owner.call('PUT', `/workspaces/${ws}/settings`, { skipRetriesOlderThanHours: 24 })).body).toEqual({ skipRetriesOlderThanHours: 24 });
    await owner.sandboxAccount('x', 'x-late', 'Late X');
    await owner.connect(ws, 'x', 'x-late');
    const [c] = await owner.connections(ws);
    await owner.call('POST', '/sandbox/x/accounts/x-late/revoke', { reason: 'revoked' });
    const now = (await owner.call<{ now: string }>('GET', '/local/clock')).body.now;
    const post = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId: c!.connectionId, text: 'Too late', publishAt: now });
    await owner.call('POST', '/local/publish-due');
    rt.clock.advanceDays(2);
    await owner.login('oauth-owner', 'owner@acme.test');
    expect((await owner.reconnect(ws, c!.connectionId, 'x-late')).searchParams.get('result')).toBe('restored');
    await owner.call('POST', '/local/drain');
    const after = await owner.call<{ status: string; lastError?: { code: string; message: string } }>('GET', `/workspaces/${ws}/posts/${post.body.postId}`);
    expect(after.body).toMatchObject({ status: 'failed_permanent', lastError: { code: 'SKIPPED_TOO_LATE' } });
    expect(after.body.lastError!.message).toMatch(/24 hours/);
    expect((await owner.call<{ posts: { text: string }[] }>('GET', '/sandbox/x/posts')).body.posts.filter((p) => p.text === 'Too late')).toEqual([]);
  });
});
