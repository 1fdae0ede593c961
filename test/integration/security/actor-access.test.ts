import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * The callback acts for the person who started the sign-in: if they lost access to the workspace
 * in the meantime (a hub admin whose hub no longer holds it), it is refused and changes nothing.
 */
let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

async function toCallback(authorizeUrl: string, account: string): Promise<string> {
  const res = await fetch(`${authorizeUrl}&account=${account}&consent=allow`, { redirect: 'manual' });
  return res.headers.get('location')!;
}

describe('a sign-in started by someone who has since lost access to the workspace', () => {
  it('a hub admin whose hub lost the workspace mid-sign-in cannot finish it: FORBIDDEN, nothing changes', async () => {
    const owner = await new ApiClient(rt.url).login('acc-owner');
    const admin = await new ApiClient(rt.url).login('acc-hub-admin');
    const hub = (await admin.call<{ hubId: string }>('POST', '/hubs', { name: 'Agency' })).body.hubId;
    const ws = await owner.createWorkspace('Client');
    const kept = await owner.createWorkspace('Client kept');
    for (const w of [ws, kept]) expect((await owner.call('POST', `/hubs/${hub}/workspaces`, { workspaceId: w })).status).toBe(204);
    await owner.sandboxAccount('facebook', 'acc-page', 'Client Page');
    await owner.sandboxAccount('facebook', 'acc-kept-page', 'Kept Page');

    admin.context = ws;
    const start = await admin.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'facebook' });
    expect(start.status).toBe(201);
    admin.context = kept;
    const control = await admin.call<{ authorizeUrl: string }>('POST', `/workspaces/${kept}/connections`, { platform: 'facebook' });

    // Meanwhile the owner moves the workspace to another hub: the agency's admin no longer acts on it.
    const otherHub = (await owner.call<{ hubId: string }>('POST', '/hubs', { name: 'Other agency' })).body.hubId;
    expect((await owner.call('POST', `/hubs/${otherHub}/workspaces`, { workspaceId: ws })).status).toBe(204);

    const refused = await admin.followCallback(await toCallback(start.body.authorizeUrl, 'acc-page'));
    expect(refused.searchParams.get('result')).toBe('error');
    expect(refused.searchParams.get('code')).toBe('FORBIDDEN');
    expect(refused.searchParams.get('message')).toMatch(/no longer have access to this workspace/);
    expect(await owner.connections(ws)).toEqual([]);
    const events = (await owner.call<{ events: { detail: { workspaceId: string } }[] }>('GET', '/local/events')).body.events.filter((e) => e.detail.workspaceId === ws);
    expect(events).toEqual([]);

    // The same admin still finishes a sign-in in a workspace the hub still holds.
    const ok = await admin.followCallback(await toCallback(control.body.authorizeUrl, 'acc-kept-page'));
    expect(ok.searchParams.get('result')).toBe('connected');
  });
});
