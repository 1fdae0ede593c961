import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

describe('workspaces, hubs and who may act', () => {
  it('an owner creates a workspace and sees its empty Connected Accounts', async () => {
    const owner = await new ApiClient(rt.url).login('owner-1');
    const ws = await owner.createWorkspace('Acme');
    const r = await owner.call('GET', `/workspaces/${ws}/connections`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ connections: [] });
  });

  it('refuses requests without a valid bearer token', async () => {
    const anon = new ApiClient(rt.url);
    const r = await anon.call('POST', '/workspaces', { name: 'x' });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    anon.token = 'not-a-jwt';
    expect((await anon.call('GET', '/workspaces/abc/connections')).status).toBe(401);
  });

  it('a hub admin needs the workspace context header; with it, may act', async () => {
    const owner = await new ApiClient(rt.url).login('owner-2');
    const admin = await new ApiClient(rt.url).login('hub-admin-2');
    const hub = await admin.call<{ hubId: string }>('POST', '/hubs', { name: 'Agency' });
    expect(hub.status).toBe(201);
    const ws = await owner.createWorkspace('Client');
    // The hub admin is a stranger until the owner puts the workspace in the hub.
    expect((await admin.call('GET', `/workspaces/${ws}/connections`)).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await owner.call('POST', `/hubs/${hub.body.hubId}/workspaces`, { workspaceId: ws })).status).toBe(204);

    const without = await admin.call('GET', `/workspaces/${ws}/connections`);
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ error: { code: 'WORKSPACE_CONTEXT_REQUIRED' } });

    admin.context = ws;
    expect((await admin.call('GET', `/workspaces/${ws}/connections`)).status).toBe(200);
    admin.context = 'another-workspace';
    expect((await admin.call('GET', `/workspaces/${ws}/connections`)).body).toMatchObject({ error: { code: 'WORKSPACE_CONTEXT_REQUIRED' } });
  });

  it('only the owner may put a workspace into a hub', async () => {
    const owner = await new ApiClient(rt.url).login('owner-3');
    const other = await new ApiClient(rt.url).login('other-3');
    const hub = await other.call<{ hubId: string }>('POST', '/hubs', { name: 'Other hub' });
    const ws = await owner.createWorkspace('Mine');
    const r = await other.call('POST', `/hubs/${hub.body.hubId}/workspaces`, { workspaceId: ws });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('bad bodies get a clear error and change nothing', async () => {
    const owner = await new ApiClient(rt.url).login('owner-4');
    const malformed = await owner.call('POST', '/workspaces', '{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const invalid = await owner.call('POST', '/workspaces', { name: '' });
    expect(invalid.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const huge = await owner.call('POST', '/workspaces', { name: 'x'.repeat(40_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const ws = await owner.createWorkspace('After');
    const badPlatform = await owner.call('POST', `/workspaces/${ws}/connections`, { platform: 'myspace' });
    expect(badPlatform.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await owner.connections(ws)).toEqual([]);
  });

  it('a session ages with the local clock', async () => {
    const owner = await new ApiClient(rt.url).login('owner-5');
    rt.clock.advanceDays(1);
    const r = await owner.call('POST', '/workspaces', { name: 'late' });
    expect(r.status).toBe(401);
    await owner.login('owner-5');
    expect((await owner.call('POST', '/workspaces', { name: 'fresh' })).status).toBe(201);
  });
});
