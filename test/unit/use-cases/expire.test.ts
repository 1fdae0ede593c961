import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { expireWithReason } from '../../../shared/use-cases/expire.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, stored } from './seed.js';

describe('expireWithReason', () => {
  it('opens one episode with the reason and announces it once, however many finders', async () => {
    // Prepare
    const f = fakeDeps();
    await seedConnection(f);
    // Act: the scan and a publish failure both find it dropped
    const first = await expireWithReason(f.deps, 'ws-1', 'conn-1', 'password_changed', 'Session invalidated');
    const second = await expireWithReason(f.deps, 'ws-1', 'conn-1', 'revoked', 'other words');
    // Assess
    expect(first?.opened).toBe(true);
    expect(second?.opened).toBe(false);
    expect(await stored(f)).toMatchObject({ status: 'expired', reason: 'password_changed', platformMessage: 'Session invalidated', episodeAnnounced: true });
    expect(f.bus.of(EVENT_TYPES.expired)).toEqual([
      { type: EVENT_TYPES.expired, detail: expect.objectContaining({ connectionId: 'conn-1', reason: 'password_changed', episodeId: first?.connection.episodeId }) },
    ]);
    expect(f.metrics.total('expiries', { reason: 'password_changed' })).toBe(1);
    expect(await f.store.history.list('ws-1', 'conn-1')).toEqual([expect.objectContaining({ type: 'expired', reason: 'password_changed' })]);
  });

  it('a failure seen with tokens replaced meanwhile (a reconnect won) expires nothing', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    const out = await expireWithReason(f.deps, 'ws-1', 'conn-1', 'revoked', 'old token', 'ciphertext-of-older-tokens');
    expect(out).toMatchObject({ opened: false, stale: true });
    expect((await stored(f)).status).toBe('active');
    expect(f.bus.events).toEqual([]);
  });

  it('a crash before the announcement is repaired by the next finder (episodeAnnounced false)', async () => {
    // Prepare: the first finder's PutEvents fails after the episode was written
    const f = fakeDeps();
    await seedConnection(f);
    f.bus.failNext();
    await expect(expireWithReason(f.deps, 'ws-1', 'conn-1', 'revoked', 'x')).rejects.toThrow(/PutEvents/);
    expect(await stored(f)).toMatchObject({ status: 'expired', episodeAnnounced: false });
    // Act: the lease of the crashed announcer lapses; another finder comes along
    f.clock.advanceMinutes(2);
    await expireWithReason(f.deps, 'ws-1', 'conn-1', 'revoked', 'x');
    // Assess
    expect(f.bus.of(EVENT_TYPES.expired)).toHaveLength(1);
    expect((await stored(f)).episodeAnnounced).toBe(true);
  });

  it('a removed connection is not expired', async () => {
    const f = fakeDeps();
    await seedConnection(f, { status: 'removed' });
    await expireWithReason(f.deps, 'ws-1', 'conn-1', 'revoked', 'x');
    expect((await stored(f)).status).toBe('removed');
    expect(f.bus.events).toEqual([]);
  });
});
