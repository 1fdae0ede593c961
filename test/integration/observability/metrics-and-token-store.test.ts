import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWithConnectedAccount } from '../../helpers/connected-account.js';

type Series = { name: string; dimensions: Record<string, string>; value: number };

let ctx: Awaited<ReturnType<typeof startWithConnectedAccount>>;
beforeAll(async () => {
  // Failed messages come back after a second, so a message that keeps failing reaches the DLQ within the test.
  ctx = await startWithConnectedAccount(
    { userId: 'obs-owner', email: 'owner@obs.test', workspace: 'Obs', platform: 'facebook', account: 'obs-page', accountName: 'Obs Page' },
    { visibilityTimeoutSeconds: 1, publishDueEveryMs: 0, dailyScan: false },
  );
});
afterAll(async () => {
  await ctx.rt.stop();
});

async function metric(name: string, dimensions: Record<string, string> = {}): Promise<number> {
  const r = await ctx.owner.call<{ namespace: string; metrics: Series[] }>('GET', '/local/metrics');
  expect(r.status).toBe(200);
  expect(r.body.namespace).toBe('FlamelConnections');
  const key = JSON.stringify(Object.entries(dimensions).sort());
  return r.body.metrics.find((s) => s.name === name && JSON.stringify(Object.entries(s.dimensions).sort()) === key)?.value ?? 0;
}

/** KMS (our token store) failing to open stored tokens, for the duration of `task`. */
async function withTokenStoreDown<T>(task: () => Promise<T>): Promise<T> {
  const spy = vi.spyOn(ctx.rt.deps.cipher, 'open').mockRejectedValue(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
  try {
    return await task();
  } finally {
    spy.mockRestore();
  }
}

async function status(): Promise<string | undefined> {
  await ctx.owner.login('obs-owner', 'owner@obs.test');
  return (await ctx.owner.connections(ctx.ws))[0]?.status;
}

describe('token store failures are ours: transient, never "access lost"', () => {
  it('the scan counts a transient check (token_store) and the connection stays active, no email', async () => {
    const outboxBefore = (await ctx.outbox()).length;
    ctx.rt.clock.advanceDays(2);
    await withTokenStoreDown(async () => {
      await ctx.owner.login('obs-owner', 'owner@obs.test');
      await ctx.owner.call('POST', '/local/scan');
    });
    expect(await status()).toBe('active');
    expect(await metric('TransientFailures', { platform: 'facebook', kind: 'token_store' })).toBe(1);
    expect(await metric('Checks', { platform: 'facebook', outcome: 'transient' })).toBe(1);
    expect(await metric('Expiries', { platform: 'facebook' })).toBe(0);
    expect((await ctx.outbox()).length).toBe(outboxBefore);
  });

  it('a non-admin sign-in while the token store fails changes nothing (it used to expire the connection as admin_role_lost)', async () => {
    const before = await ctx.owner.connections(ctx.ws);
    const adapter = ctx.rt.deps.platforms.facebook;
    const spy = vi.spyOn(adapter, 'identify').mockResolvedValue({ ok: true, value: { externalAccountId: 'obs-page', displayName: 'Obs Page', isAdmin: false } });
    try {
      const r = await withTokenStoreDown(() => ctx.owner.reconnect(ctx.ws, ctx.connectionId, 'obs-page'));
      expect(r.searchParams.get('result')).toBe('error');
      expect(r.searchParams.get('code')).toBe('INTERNAL');
    } finally {
      spy.mockRestore();
    }
    expect(await ctx.owner.connections(ctx.ws)).toEqual(before);
    expect((await ctx.events()).filter((e) => e['detail-type'] === 'connection.expired')).toEqual([]);
    expect(await metric('Expiries', { platform: 'facebook' })).toBe(0);
  });

  it('a publish waits (scheduled) and retries; one that keeps failing is counted when it goes to the DLQ', async () => {
    const postId = await ctx.schedule('while KMS is down');
    await withTokenStoreDown(async () => {
      await ctx.owner.call('POST', '/local/publish-due');
      await ctx.drain();
    });
    // Waiting with our own error code, not the platform's (the platform was never asked).
    expect(await ctx.post(postId)).toMatchObject({ status: 'scheduled', lastError: { code: 'INTERNAL' } });
    expect(await status()).toBe('active');
    expect(await metric('TransientFailures', { platform: 'facebook', kind: 'token_store' })).toBeGreaterThanOrEqual(2);
    expect(await metric('DeadLetteredRecords', { queue: 'publish', kind: 'failed' })).toBe(1);
    // Back up: the next publish-due run publishes it.
    await ctx.publishDue();
    expect((await ctx.post(postId)).status).toBe('published');
    expect(await ctx.published()).toContain('while KMS is down');
  });
});

describe('metrics at GET /local/metrics', () => {
  it('counts expiries by platform and reason, emails sent, restores and retries published', async () => {
    const postId = await ctx.schedule('after the drop');
    await ctx.owner.call('POST', '/sandbox/facebook/accounts/obs-page/revoke', { reason: 'password_changed' });
    await ctx.publishDue();
    expect((await ctx.post(postId)).status).toBe('failed');
    expect(await status()).toBe('expired');
    expect(await metric('Expiries', { platform: 'facebook', reason: 'password_changed' })).toBe(1);
    expect(await metric('Expiries', { platform: 'facebook' })).toBe(1);
    expect(await metric('EmailsSent', { kind: 'expired' })).toBe(1);

    expect((await ctx.owner.reconnect(ctx.ws, ctx.connectionId, 'obs-page')).searchParams.get('result')).toBe('restored');
    await ctx.drain();
    expect(await metric('Restores', { platform: 'facebook' })).toBe(1);
    expect(await metric('RetriesPublished', { platform: 'facebook' })).toBe(1);
    expect(await metric('EmailsSent', { kind: 'restored' })).toBe(1);
    expect((await ctx.post(postId)).status).toBe('published');
  });

  it('counts each scan run that went through the due index, and its checks by outcome', async () => {
    const runs = await metric('ScanRunsEnqueued');
    const healthy = await metric('Checks', { platform: 'facebook', outcome: 'healthy' });
    ctx.rt.clock.advanceDays(2);
    await ctx.owner.login('obs-owner', 'owner@obs.test');
    await ctx.owner.call('POST', '/local/scan');
    expect(await metric('ScanRunsEnqueued')).toBe(runs + 1);
    expect(await metric('Checks', { platform: 'facebook', outcome: 'healthy' })).toBe(healthy + 1);
  });
});
