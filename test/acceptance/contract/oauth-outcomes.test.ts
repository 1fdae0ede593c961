/**
 * Black-box acceptance suite for ../../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_ADMIN_ROLE, PLATFORMS, User, uid } from '../contract-client.js';
import { block, expectConnectionShape, outcome, useRuntime } from './shared.js';

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
      expect(cb.searchParams.get('code')).toMatch(/\S/);
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
      expect(await owner.connected(ws, platform, acct)).toMatch(/\S/);
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

