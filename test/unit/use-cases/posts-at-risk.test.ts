import { describe, expect, it } from 'vitest';
import { AT_RISK_READ_LIMIT, postsAtRiskOf } from '../../../shared/use-cases/posts-at-risk.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedPost } from './seed.js';

describe('posts at risk', () => {
  it('expired: the scheduled posts of the next 7 days, earliest first', async () => {
    const f = fakeDeps();
    await seedPost(f, { postId: 'b', publishAt: '2026-06-03T00:00:00.000Z' });
    await seedPost(f, { postId: 'a', publishAt: '2026-06-02T00:00:00.000Z' });
    await seedPost(f, { postId: 'late', publishAt: '2026-06-09T00:00:00.000Z' });
    await seedPost(f, { postId: 'failed', publishAt: '2026-06-02T00:00:00.000Z', status: 'failed' });
    const r = await postsAtRiskOf(f.deps, { connectionId: 'conn-1', status: 'expired' }, f.clock.now());
    expect(r).toMatchObject({ count: 2, nextPublishAt: '2026-06-02T00:00:00.000Z' });
    expect(r?.next.map((p) => p.postId)).toEqual(['a', 'b']);
  });

  it('expiring: only those after the deadline; healthy: none asked', async () => {
    const f = fakeDeps();
    await seedPost(f, { postId: 'before', publishAt: '2026-06-02T00:00:00.000Z' });
    await seedPost(f, { postId: 'after', publishAt: '2026-06-05T00:00:00.000Z' });
    const r = await postsAtRiskOf(f.deps, { connectionId: 'conn-1', status: 'expiring', expiringFor: '2026-06-04T00:00:00.000Z' }, f.clock.now());
    expect(r?.next.map((p) => p.postId)).toEqual(['after']);
    expect(await postsAtRiskOf(f.deps, { connectionId: 'conn-1', status: 'expiring', expiringFor: '2026-06-30T00:00:00.000Z' }, f.clock.now())).toEqual({ count: 0, next: [] });
    expect(await postsAtRiskOf(f.deps, { connectionId: 'conn-1', status: 'active' }, f.clock.now())).toBeUndefined();
  });

  it('reads at most one bounded page', async () => {
    const f = fakeDeps();
    for (let i = 0; i < AT_RISK_READ_LIMIT + 5; i++) await seedPost(f, { postId: `p${i}`, publishAt: '2026-06-02T00:00:00.000Z' });
    expect((await postsAtRiskOf(f.deps, { connectionId: 'conn-1', status: 'expired' }, f.clock.now()))?.count).toBe(AT_RISK_READ_LIMIT);
  });
});
