import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { X_TWEET_LIMITS } from '../../../local/sandbox/x.js';
import { startWithConnectedAccount } from '../../helpers/connected-account.js';

let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

describe('a platform rate limit while publishing', () => {
  it('posts over X\'s per-account window wait for its reset without asking again, then go out once each', async () => {
    const s = await startWithConnectedAccount({ userId: 'rl-owner', email: 'owner@rl.test', workspace: 'Busy Bakery', platform: 'x', account: 'x-busy', accountName: 'Busy X' });
    rt = s.rt;
    const over = 5;
    const ids: string[] = [];
    for (let i = 0; i < X_TWEET_LIMITS.perUser.limit + over; i++) ids.push(await s.schedule(`Loaf number ${i}`));
    s.rt.sandbox.resetRequestCounts();

    await s.publishDue();
    const after = await Promise.all(ids.map((id) => s.post(id) as Promise<{ status: string; lastError?: { code: string } }>));
    expect(after.filter((p) => p.status === 'published')).toHaveLength(X_TWEET_LIMITS.perUser.limit);
    const waiting = after.filter((p) => p.status === 'scheduled');
    expect(waiting).toHaveLength(over);
    expect(waiting.every((p) => p.lastError?.code === 'PLATFORM_RATE_LIMITED')).toBe(true);
    // Each post over the window asks at most once (those already in flight with the first 429);
    // the account's pause keeps the rest from asking.
    const refused = s.rt.sandbox.requestCount('x') - X_TWEET_LIMITS.perUser.limit;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(over);

    // Before the reset, publish-due does not take them; after it, each goes out once.
    await s.publishDue();
    await s.publishDue();
    expect(s.rt.sandbox.requestCount('x')).toBe(X_TWEET_LIMITS.perUser.limit + refused);
    s.rt.clock.advanceMs((X_TWEET_LIMITS.perUser.windowSeconds + 60) * 1000);
    await s.publishDue();
    const published = await s.published();
    expect(published).toHaveLength(X_TWEET_LIMITS.perUser.limit + over);
    expect(new Set(published).size).toBe(published.length);
    expect(s.rt.sandbox.requestCount('x')).toBe(X_TWEET_LIMITS.perUser.limit + refused + over);
  }, 120_000);
});
