import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime, type ConnectionRow } from '../../helpers/local-api.js';

let rt: LocalRuntime;
let owner: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('idle-owner', 'owner@idle.test');
});
afterAll(async () => {
  await rt.stop();
});

type Row = ConnectionRow & { expiresAt?: string };
interface BusEvent {
  'detail-type': string;
  detail: { connectionId: string; episodeId: string };
}

async function advance(days: number) {
  rt.clock.advanceDays(days);
  await owner.login('idle-owner', 'owner@idle.test');
}

describe('warning ahead of the yearly LinkedIn consent', () => {
  it('in its last 14 days: an alert and one email; reconnecting then restores it and resolves the alert', async () => {
    const ws = await owner.createWorkspace('Yearly Co');
    await owner.sandboxAccount('linkedin', 'yearly-co', 'Yearly Co');
    await owner.connect(ws, 'linkedin', 'yearly-co');
    const [c] = await owner.connections(ws);
    // Used all year (keep-warm), so only the consent's end is near.
    for (let step = 0; step < 14; step++) {
      await advance(25);
      await owner.call('POST', '/local/scan');
    }
    await advance(2); // day 352: 13 days left
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');
    const [amber] = await owner.connections(ws);
    expect(amber).toMatchObject({ status: 'expiring', badge: 'amber' });
    expect(amber!.guidance).toMatch(/consent again once a year/);
    const alerts = (await owner.call<{ alerts: { kind: string; message: string; connectionId?: string; resolvedAt?: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
    expect(alerts.filter((a) => a.kind === 'connection_expiring' && a.connectionId === c!.connectionId)).toHaveLength(1);
    const emails = (await owner.call<{ emails: { subject: string; text: string }[] }>('GET', '/local/outbox')).body.emails.filter((e) => e.subject.includes('Yearly Co'));
    expect(emails.map((e) => e.subject)).toEqual([expect.stringMatching(/^Reconnect before .*LinkedIn account "Yearly Co" will disconnect/)]);

    expect((await owner.reconnect(ws, c!.connectionId, 'yearly-co')).searchParams.get('result')).toBe('restored');
    await owner.call('POST', '/local/drain');
    expect((await owner.connections(ws))[0]).toMatchObject({ status: 'active', badge: 'green' });
    const after = (await owner.call<{ alerts: { kind: string; connectionId?: string; resolvedAt?: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
    expect(after.find((a) => a.kind === 'connection_expiring' && a.connectionId === c!.connectionId)?.resolvedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});

describe('warning ahead of the inactivity limit (LinkedIn: 60 days)', () => {
  it('an idle LinkedIn Company Page shows amber with its own guidance before the scan, and the scan\'s keep-warm call turns it green', async () => {
    const ws = await owner.createWorkspace('Idle Co');
    await owner.sandboxAccount('linkedin', 'idle-co', 'Idle Co');
    await owner.connect(ws, 'linkedin', 'idle-co');
    const connectedAt = Date.parse(rt.clock.now().toISOString());
    await advance(50);

    const [amber] = (await owner.connections(ws)) as Row[];
    expect(amber).toMatchObject({ status: 'expiring', badge: 'amber' });
    expect(amber!.guidance).toMatch(/unused/);
    expect(Date.parse(amber!.expiresAt!) - connectedAt).toBeCloseTo(60 * 86_400_000, -4);

    await owner.call('POST', '/local/scan');
    const [green] = await owner.connections(ws);
    expect(green).toMatchObject({ status: 'active', badge: 'green' });
  });

  it('when keep-warm calls cannot get through, the owner is warned once (event, alert, email), and it clears once the platform answers', async () => {
    const ws = await owner.createWorkspace('Down Co');
    await owner.sandboxAccount('linkedin', 'down-co', 'Down Co');
    await owner.connect(ws, 'linkedin', 'down-co');
    const [c] = await owner.connections(ws);
    await advance(47);
    await owner.call('POST', '/sandbox/linkedin/outage', { down: true });
    await owner.call('POST', '/local/scan');
    await advance(1);
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');

    const [amber] = await owner.connections(ws);
    expect(amber).toMatchObject({ status: 'expiring', badge: 'amber' });
    const events = (await owner.call<{ events: BusEvent[] }>('GET', '/local/events')).body.events.filter((e) => e.detail.connectionId === c!.connectionId);
    expect(events.filter((e) => e['detail-type'] === 'connection.expiring')).toHaveLength(1);
    expect(events.filter((e) => e['detail-type'] === 'connection.expired')).toHaveLength(0);
    const alerts = (await owner.call<{ alerts: { kind: string; message: string; connectionId?: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
    const warning = alerts.filter((a) => a.kind === 'connection_expiring' && a.connectionId === c!.connectionId);
    expect(warning, JSON.stringify(alerts)).toHaveLength(1);
    expect(warning[0]!.message).toMatch(/unused/);
    const emails = (await owner.call<{ emails: { to: string; subject: string; text: string }[] }>('GET', '/local/outbox')).body.emails.filter((e) => e.subject.includes('Down Co'));
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toMatch(/^Reconnect before/);
    expect(emails[0]!.text).toMatch(/unused/);

    await owner.call('POST', '/sandbox/linkedin/outage', { down: false });
    await advance(1);
    await owner.call('POST', '/local/scan');
    const [back] = await owner.connections(ws);
    expect(back).toMatchObject({ status: 'active', badge: 'green' });
  });
});
