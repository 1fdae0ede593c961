import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime, type ConnectionRow } from '../../helpers/local-api.js';

/**
 * Most LinkedIn apps get no refresh token (LinkedIn issues them to approved partners only): the
 * connection ends 60 days after the sign-in, whatever happens. The owner sees that date, is warned
 * 14 days ahead, and Flamel never tries a refresh that cannot exist.
 */
let rt: LocalRuntime;
let owner: ApiClient;
const refreshCalls: string[] = [];

beforeAll(async () => {
  const recording = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url.includes('/sandbox/linkedin/oauth/v2/accessToken') && String(init?.body ?? '').includes('grant_type=refresh_token')) refreshCalls.push(url);
    return fetch(input, init);
  }) as typeof fetch;
  rt = await startTestRuntime({ sandbox: { linkedinRefreshTokens: false }, fetchImpl: recording });
  owner = await new ApiClient(rt.url).login('li-60-owner', 'owner@sixty.test');
});
afterAll(async () => {
  await rt.stop();
});

type Row = ConnectionRow & { expiresAt?: string };

async function advance(days: number): Promise<void> {
  rt.clock.advanceDays(days);
  await owner.login('li-60-owner', 'owner@sixty.test');
  await owner.call('POST', '/local/scan');
  await owner.call('POST', '/local/drain');
}

describe('LinkedIn app without refresh tokens', () => {
  it('shows the 60-day end, turns amber 14 days before it, red at it, and never attempts a refresh', async () => {
    const connectedAt = rt.clock.now().getTime();
    const ws = await owner.createWorkspace('Sixty Days');
    await owner.sandboxAccount('linkedin', 'sixty-co', 'Sixty Co');
    expect((await owner.connect(ws, 'linkedin', 'sixty-co')).searchParams.get('result')).toBe('connected');
    const [c] = (await owner.connections(ws)) as Row[];
    expect(c).toMatchObject({ status: 'active', badge: 'green' });
    expect(Math.abs(Date.parse(c!.expiresAt ?? '') - (connectedAt + 5_184_000_000))).toBeLessThan(60_000);

    await advance(30);
    expect((await owner.connections(ws))[0]).toMatchObject({ status: 'active', badge: 'green' });
    await advance(17); // day 47: 13 days left
    expect((await owner.connections(ws))[0]).toMatchObject({ status: 'expiring', badge: 'amber' });
    await advance(5); // day 52 (the refresh window of a partner app): still nothing to refresh
    expect((await owner.connections(ws))[0]).toMatchObject({ status: 'expiring' });
    await advance(9); // day 61
    expect((await owner.connections(ws))[0]).toMatchObject({ status: 'expired', reason: 'token_expired', badge: 'red' });

    const kinds = (await owner.call<{ events: { 'detail-type': string; detail: { connectionId: string } }[] }>('GET', '/local/events')).body.events
      .filter((e) => e.detail.connectionId === c!.connectionId)
      .map((e) => e['detail-type']);
    expect(kinds.filter((k) => k === 'connection.expiring')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'connection.expired')).toHaveLength(1);
    expect(refreshCalls).toEqual([]);

    expect((await owner.reconnect(ws, c!.connectionId, 'sixty-co')).searchParams.get('result')).toBe('restored');
    const [back] = (await owner.connections(ws)) as Row[];
    expect(back).toMatchObject({ status: 'active', badge: 'green' });
    expect(Math.abs(Date.parse(back!.expiresAt ?? '') - (rt.clock.now().getTime() + 5_184_000_000))).toBeLessThan(60_000);
  }, 120_000);
});
