import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * One account is one connection per workspace: simultaneous connects of the same account (two
 * tabs, a double click) end as that one connection, so one revoke sends one email.
 */
let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

interface Email {
  to: string;
  subject: string;
}

/** Starts `n` connects of `account` in one browser and brings all the platform's redirects back at once. */
async function simultaneousConnects(owner: ApiClient, ws: string, account: string, n: number): Promise<URL[]> {
  const callbacks: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'linkedin' });
    const res = await fetch(`${start.body.authorizeUrl}&account=${account}&consent=allow`, { redirect: 'manual' });
    callbacks.push(res.headers.get('location')!);
  }
  return Promise.all(callbacks.map((cb) => owner.followCallback(cb)));
}

describe('one connection per account and workspace', () => {
  it('five simultaneous connects of one account make one connection; every tab lands on it as connected; one revoke, one email', async () => {
    const owner = await new ApiClient(rt.url).login('dup-owner', 'dup-owner@example.test');
    for (let round = 0; round < 3; round++) {
      const ws = await owner.createWorkspace(`Dup ${round}`);
      const account = `dup-org-${round}`;
      await owner.sandboxAccount('linkedin', account, `Dup Org ${round}`);
      const landings = await simultaneousConnects(owner, ws, account, 5);
      expect(landings.map((u) => u.searchParams.get('result'))).toEqual(Array(5).fill('connected'));
      const rows = await owner.connections(ws);
      expect(rows, `round ${round}`).toHaveLength(1);
      expect(new Set(landings.map((u) => u.searchParams.get('connectionId')))).toEqual(new Set([rows[0]!.connectionId]));
      expect(rows[0]).toMatchObject({ externalAccountId: account, status: 'active' });
    }

    // The last round's account drops: the owner hears about it once.
    await owner.call('POST', '/sandbox/linkedin/accounts/dup-org-2/revoke', { reason: 'revoked' });
    rt.clock.advanceDays(8);
    await owner.login('dup-owner', 'dup-owner@example.test');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');
    const emails = (await owner.call<{ emails: Email[] }>('GET', '/local/outbox')).body.emails.filter((e) => e.to.includes('dup-owner@example.test'));
    expect(emails).toHaveLength(1);
  }, 120_000);

  it('removing the connection frees the account: connecting it again makes one new connection', async () => {
    const owner = await new ApiClient(rt.url).login('dup-again');
    const ws = await owner.createWorkspace('Again');
    await owner.sandboxAccount('linkedin', 'again-org', 'Again Org');
    const [first] = await simultaneousConnects(owner, ws, 'again-org', 1);
    const firstId = first!.searchParams.get('connectionId')!;
    expect((await owner.call('DELETE', `/workspaces/${ws}/connections/${firstId}`)).status).toBe(204);
    const again = await simultaneousConnects(owner, ws, 'again-org', 3);
    expect(again.map((u) => u.searchParams.get('result'))).toEqual(['connected', 'connected', 'connected']);
    const rows = await owner.connections(ws);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.connectionId).not.toBe(firstId);
  });

  it('a crash between claiming the account and writing the connection (or between a removal and freeing it) never blocks the account for good', async () => {
    const owner = await new ApiClient(rt.url).login('dup-crash');
    const ws = await owner.createWorkspace('Crash');
    await owner.sandboxAccount('linkedin', 'crash-org', 'Crash Org');
    const store = rt.deps.store.connections;
    // A writer claimed the account long ago and died before writing its connection.
    const longAgo = new Date(rt.clock.now().getTime() - 3_600_000).toISOString();
    expect(await store.claimAccount({ workspaceId: ws, platform: 'linkedin', externalAccountId: 'crash-org', connectionId: 'never-written', claimedAt: longAgo })).toBeUndefined();
    const [landing] = await simultaneousConnects(owner, ws, 'crash-org', 1);
    expect(landing!.searchParams.get('result')).toBe('connected');
    const id = landing!.searchParams.get('connectionId')!;
    expect((await owner.connections(ws)).map((c) => c.connectionId)).toEqual([id]);

    // The connection is removed but the process dies before the claim is freed.
    const c = (await store.get(ws, id))!;
    await store.update({ ...c, status: 'removed', tokens: undefined, nextCheckAt: undefined, removedAt: rt.clock.now().toISOString(), version: c.version + 1 }, c.version);
    const [back] = await simultaneousConnects(owner, ws, 'crash-org', 1);
    expect(back!.searchParams.get('result')).toBe('connected');
    const rows = await owner.connections(ws);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.connectionId).not.toBe(id);
  });
});
