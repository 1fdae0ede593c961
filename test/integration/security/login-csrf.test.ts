import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * Login CSRF: Mallory starts "Connect Facebook" in her workspace and sends the authorize link to
 * Vera; Vera signs in with her own Page and allows. The sign-in is bound to Mallory's browser, so
 * Vera's browser cannot finish it: nothing of Vera's lands in Mallory's workspace.
 */
let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

interface BusEvent {
  detail: { workspaceId: string };
}

async function toCallback(authorizeUrl: string, account: string): Promise<string> {
  const res = await fetch(`${authorizeUrl}&account=${account}&consent=allow`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

describe('an OAuth sign-in finishes only in the browser that started it', () => {
  it("Vera opening Mallory's authorize link connects nothing in Mallory's workspace; Mallory's own sign-in is not burnt", async () => {
    const mallory = await new ApiClient(rt.url).login('mallory');
    const vera = await new ApiClient(rt.url).login('vera'); // signed in to Flamel or not, another browser
    const ws = await mallory.createWorkspace('Mallory Co');
    await vera.sandboxAccount('facebook', 'vera-page', "Vera's Page");
    await mallory.sandboxAccount('facebook', 'mallory-page', "Mallory's Page");

    const start = await mallory.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'facebook' });
    expect(start.status).toBe(201);
    const setCookie = start.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^flamel_oauth_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{43}; Path=\/oauth\/facebook\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // The secret is in the cookie only, never in the link Mallory can forward.
    const secret = setCookie[0]!.split(';')[0]!.split('=')[1]!;
    expect(start.body.authorizeUrl).not.toContain(secret);

    const veraLanding = await vera.followCallback(await toCallback(start.body.authorizeUrl, 'vera-page'));
    expect(veraLanding.origin).toBe(rt.url);
    expect(veraLanding.searchParams.get('result')).toBe('error');
    expect(veraLanding.searchParams.get('code')).toBe('STATE_INVALID');
    expect(veraLanding.searchParams.get('message')).toMatch(/browser where you started it/);
    expect(await mallory.connections(ws)).toEqual([]);
    const events = (await mallory.call<{ events: BusEvent[] }>('GET', '/local/events')).body.events.filter((e) => e.detail.workspaceId === ws);
    expect(events).toEqual([]);

    // A forged cookie of the right name does not help either.
    const cookieName = setCookie[0]!.split('=')[0]!;
    const forged = await fetch(await toCallback(start.body.authorizeUrl, 'vera-page'), { redirect: 'manual', headers: { cookie: `${cookieName}=${'A'.repeat(43)}` } });
    expect(new URL(forged.headers.get('location')!).searchParams.get('code')).toBe('STATE_INVALID');
    expect(await mallory.connections(ws)).toEqual([]);

    // Refusing consumed nothing: the browser that started it still finishes it (and the cookie is cleared).
    const callback = await toCallback(start.body.authorizeUrl, 'mallory-page');
    const res = await mallory.jar.fetch(callback, { redirect: 'manual' });
    const done = new URL(res.headers.get('location')!);
    expect(done.searchParams.get('result')).toBe('connected');
    expect(res.headers.getSetCookie()).toEqual([`${cookieName}=; Path=/oauth/facebook/callback; Max-Age=0; HttpOnly; SameSite=Lax`]);
    expect(mallory.jar.header(callback)).toBeUndefined();
    expect((await mallory.connections(ws)).map((c) => c.externalAccountId)).toEqual(['mallory-page']);
  });

  it('a reconnect link opened in another browser changes nothing either', async () => {
    const mallory = await new ApiClient(rt.url).login('mallory-2');
    const vera = new ApiClient(rt.url);
    const ws = await mallory.createWorkspace('Mallory Two');
    await mallory.sandboxAccount('linkedin', 'm2-org', 'M2 Org');
    expect((await mallory.connect(ws, 'linkedin', 'm2-org')).searchParams.get('result')).toBe('connected');
    const [c] = await mallory.connections(ws);
    await mallory.call('POST', '/sandbox/linkedin/accounts/m2-org/revoke', { reason: 'revoked' });
    const stored = (await rt.deps.store.connections.get(ws, c!.connectionId))!;

    const start = await mallory.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections/${c!.connectionId}/reconnect`);
    expect(start.status).toBe(200);
    expect(start.headers.getSetCookie()[0]).toMatch(/; Path=\/oauth\/linkedin\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const landing = await vera.followCallback(await toCallback(start.body.authorizeUrl, 'm2-org'));
    expect(landing.searchParams.get('code')).toBe('STATE_INVALID');
    const after = (await rt.deps.store.connections.get(ws, c!.connectionId))!;
    expect(after.version).toBe(stored.version);
    expect(after.tokens).toEqual(stored.tokens);
  });

  it('two sign-ins in flight in one browser (two tabs) both finish, in either order', async () => {
    const owner = await new ApiClient(rt.url).login('two-tabs');
    const ws = await owner.createWorkspace('Tabs');
    await owner.sandboxAccount('x', 'tabs-x', 'Tabs X');
    await owner.sandboxAccount('linkedin', 'tabs-li', 'Tabs LinkedIn');
    await owner.sandboxAccount('linkedin', 'tabs-li-2', 'Tabs LinkedIn 2');
    const first = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'linkedin' });
    const second = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'linkedin' });
    const third = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'x' });
    const r3 = await owner.followCallback(await toCallback(third.body.authorizeUrl, 'tabs-x'));
    const r2 = await owner.followCallback(await toCallback(second.body.authorizeUrl, 'tabs-li-2'));
    const r1 = await owner.followCallback(await toCallback(first.body.authorizeUrl, 'tabs-li'));
    expect([r1, r2, r3].map((u) => u.searchParams.get('result'))).toEqual(['connected', 'connected', 'connected']);
    expect((await owner.connections(ws)).map((c) => c.externalAccountId).sort()).toEqual(['tabs-li', 'tabs-li-2', 'tabs-x']);
  });
});
