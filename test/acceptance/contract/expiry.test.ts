/**
 * Black-box acceptance suite for ../../../../shared/design/CONTRACT.md (plus the README's changelog) and
 * the help page "Connection expired". It drives only the HTTP surface of a local runtime; the only
 * thing it takes from the implementation is startTestRuntime() and the runtime's base URL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_ADMIN_ROLE, PLATFORMS, REASONS, User, uid, type Platform, type Reason } from '../contract-client.js';
import { block, expectAlertShape, expectConnectionShape, expectEventShape, expectOldestFirst, outcome, useRuntime, ISO } from './shared.js';

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

