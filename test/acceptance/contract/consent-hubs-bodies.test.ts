/**
 * Black-box acceptance suite for ../../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PAST, User, expectError, uid } from '../contract-client.js';
import { block, expectConnectionShape, outcome, useRuntime } from './shared.js';

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
    expect(row.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
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
