import { describe, expect, it } from 'vitest';
import { accessTokenStale, refreshConnectionTokens } from '../../../shared/use-cases/refresh.js';
import { openTokens } from '../../../shared/use-cases/tokens.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, stored } from './seed.js';

describe('refreshing tokens', () => {
  it('saves the rotated tokens sealed, keeps the consent end, and frees the lease', async () => {
    // Prepare
    const f = fakeDeps();
    const c = await seedConnection(f, { consentExpiresAt: '2027-01-01T00:00:00.000Z', tokens: { accessToken: 'old', refreshToken: 'old-r' } });
    // Act
    const out = await refreshConnectionTokens(f.deps, c, { accessToken: 'old', refreshToken: 'old-r' });
    // Assess
    expect(out.kind).toBe('refreshed');
    const after = await stored(f);
    expect(await openTokens(f.cipher, after)).toMatchObject({ accessToken: 'linkedin-access-1', refreshToken: 'linkedin-refresh-1' });
    expect(after).toMatchObject({ consentExpiresAt: '2027-01-01T00:00:00.000Z', accessTokenExpiresAt: '2026-07-31T09:00:00.000Z' });
    expect(after.leaseUntil).toBeUndefined();
    expect(f.platforms.linkedin.calls).toEqual([{ op: 'refresh', tokens: { accessToken: 'old', refreshToken: 'old-r' } }]);
  });

  it('an answer without a refresh token keeps the stored one (never erased)', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f, { platform: 'instagram', tokens: { accessToken: 'old', refreshToken: 'keep-me' } });
    const out = await refreshConnectionTokens(f.deps, c, { accessToken: 'old', refreshToken: 'keep-me' });
    expect(out.kind).toBe('refreshed');
    // Act: the next answer carries no refresh token
    const c2 = await stored(f);
    const spy = f.platforms.instagram;
    const original = spy.refresh.bind(spy);
    spy.refresh = async (t) => {
      const r = await original(t);
      return r.ok ? { ok: true, value: { accessToken: r.value.accessToken } } : r;
    };
    const second = await refreshConnectionTokens(f.deps, c2, (await openTokens(f.cipher, c2))!);
    expect(second.kind).toBe('refreshed');
    expect((await openTokens(f.cipher, await stored(f)))?.refreshToken).toBe('instagram-refresh-1');
  });

  it('two workers: the second finds the lease taken and spends no refresh token', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f);
    await f.store.connections.acquireLease('ws-1', 'conn-1', '2026-06-01T09:01:00.000Z', f.clock.iso());
    expect(await refreshConnectionTokens(f.deps, c, { accessToken: 'a', refreshToken: 'r' })).toEqual({ kind: 'busy' });
    expect(f.platforms.linkedin.callsOf('refresh')).toBe(0);
  });

  it('tokens replaced since they were read (a reconnect): busy, nothing spent, lease released', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f);
    const read = { ...c, tokens: { ...c.tokens!, ciphertext: 'older' } };
    expect(await refreshConnectionTokens(f.deps, read, { accessToken: 'a', refreshToken: 'r' })).toEqual({ kind: 'busy' });
    expect(f.platforms.linkedin.callsOf('refresh')).toBe(0);
    expect((await stored(f)).leaseUntil).toBeUndefined();
  });

  it('a refused refresh is reported, the stored tokens stay and the lease is released', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f);
    f.platforms.linkedin.failNext('refresh', { kind: 'expired', reason: 'revoked', message: 'REVOKED_ACCESS_TOKEN' });
    const out = await refreshConnectionTokens(f.deps, c, { accessToken: 'a', refreshToken: 'r' });
    expect(out).toEqual({ kind: 'failed', failure: expect.objectContaining({ reason: 'revoked' }) });
    const after = await stored(f);
    expect(after.tokens?.ciphertext).toBe(c.tokens?.ciphertext);
    expect(after.leaseUntil).toBeUndefined();
  });

  it('a token is stale five minutes before its end', () => {
    const now = new Date('2026-06-01T09:00:00.000Z');
    expect(accessTokenStale({ accessToken: 'a', accessTokenExpiresAt: '2026-06-01T09:04:59.000Z' }, now)).toBe(true);
    expect(accessTokenStale({ accessToken: 'a', accessTokenExpiresAt: '2026-06-01T09:06:00.000Z' }, now)).toBe(false);
    expect(accessTokenStale({ accessToken: 'a' }, now)).toBe(false);
  });
});
