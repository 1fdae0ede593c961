import { describe, expect, it } from 'vitest';
import { RATE_BUDGETS } from '../../../shared/config/rate-budgets.js';
import { takeCheckToken, takeCheckTokens } from '../../../shared/use-cases/rate-budget.js';
import { checkMessage } from '../../../shared/use-cases/scan.js';
import { openTokens } from '../../../shared/use-cases/tokens.js';
import { fakeDeps, type Fakes } from '../../fakes/deps.js';
import { seedConnection, stored } from './seed.js';

/**
 * The checks of one expiry-checks message share its requests (issue 12, point 6): what the owner and
 * the operator see stays that of checks made one by one; what the table is asked drops.
 */
const due = { nextCheckAt: '2026-06-01T08:00:00.000Z' };
const refs = (ids: string[]) => ids.map((connectionId) => ({ workspaceId: 'ws-1', connectionId }));
const outcomes = (results: PromiseSettledResult<string>[]) => results.map((r) => (r.status === 'fulfilled' ? r.value : `threw ${String(r.reason)}`));

/** Counts the calls of one store method (the fake's repositories are plain objects). */
function counted<T extends object, K extends keyof T>(repo: T, method: K): { calls: number } {
  const counter = { calls: 0 };
  const original = repo[method] as (...args: unknown[]) => unknown;
  repo[method] = ((...args: unknown[]) => {
    counter.calls += 1;
    return original.apply(repo, args);
  }) as T[K];
  return counter;
}

async function seedMany(f: Fakes, ids: string[], over: Parameters<typeof seedConnection>[1] = {}): Promise<void> {
  for (const connectionId of ids) await seedConnection(f, { connectionId, externalAccountId: `acct-${connectionId}`, ...due, ...over });
}

describe('the checks of one queue message', () => {
  it('read their connections, the run and the platforms in one request, and take their rate-budget tokens in one write per window', async () => {
    const f = fakeDeps();
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await seedMany(f, ids.slice(0, 3), { platform: 'facebook' });
    await seedMany(f, ids.slice(3), { platform: 'instagram' });
    const reads = counted(f.store.checkReads, 'read');
    const singleReads = counted(f.store.connections, 'get');
    const healthReads = counted(f.store.platformHealth, 'get');
    const runReads = counted(f.store.scanRuns, 'get');
    const takes = counted(f.store.rateBudgets, 'takeUpTo');
    expect(outcomes(await checkMessage(f.deps, { runId: 'run-1', connections: refs(ids) }))).toEqual(ids.map(() => 'healthy'));
    expect(reads.calls).toBe(1);
    expect(singleReads.calls + healthReads.calls + runReads.calls).toBe(0);
    // Facebook and Instagram have minute budgets only: one write for the message's five checks.
    expect(takes.calls).toBe(1);
    expect(f.platforms.facebook.callsOf('checkAccess') + f.platforms.instagram.callsOf('checkAccess')).toBe(5);
  });

  it('never go over the budget: what is left of the minute is checked, the rest waits, still due, uncounted', async () => {
    const f = fakeDeps();
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await seedMany(f, ids, { platform: 'linkedin' });
    // Other workers left 3 of this minute's LinkedIn checks.
    const othersTook = RATE_BUDGETS.linkedin.checksPerMinute - 3;
    expect(await takeCheckTokens(f.deps, new Map([['linkedin', othersTook]]), f.clock.now())).toEqual(new Map([['linkedin', othersTook]]));
    const results = outcomes(await checkMessage(f.deps, { runId: 'run-1', connections: refs(ids) }));
    expect(results.filter((o) => o === 'healthy')).toHaveLength(3);
    expect(results.filter((o) => o === 'deferred')).toHaveLength(2);
    expect(f.platforms.linkedin.callsOf('checkAccess')).toBe(3);
    const deferred = ids.filter((_, i) => results[i] === 'deferred');
    for (const id of deferred) expect((await stored(f, id)).nextCheckAt).toBe(due.nextCheckAt);
    expect(await takeCheckToken(f.deps, 'linkedin', f.clock.now())).toBe(false);
    expect((await f.store.scanRuns.get('run-1'))?.counts).toMatchObject({ checked: 3, 'checked:linkedin': 3 });
    // The next minute, the waiting ones get their turn.
    f.clock.advanceMinutes(1);
    expect(outcomes(await checkMessage(f.deps, { runId: 'run-1', connections: refs(deferred) }))).toEqual(['healthy', 'healthy']);
  });

  it('add their outcomes to the run in one write, and the run counts each check once', async () => {
    const f = fakeDeps();
    await seedMany(f, ['a', 'b', 'c'], { platform: 'facebook' });
    f.platforms.facebook.failNext('checkAccess', { kind: 'transient', message: 'timeout', status: 0 });
    const writes = counted(f.store.scanRuns, 'addCounts');
    await checkMessage(f.deps, { runId: 'run-1', connections: refs(['a', 'b', 'c', 'missing']) });
    expect(writes.calls).toBe(1);
    expect((await f.store.scanRuns.get('run-1'))?.counts).toEqual({ checked: 3, healthy: 2, transient: 1, 'checked:facebook': 3, 'healthy:facebook': 2, 'transient:facebook': 1 });
  });

  it('the outage guard still acts mid-message, on the run counts read at its start plus its own', async () => {
    const f = fakeDeps();
    // Earlier messages of the run: two Facebook checks, both transient.
    await f.store.scanRuns.addCounts('run-1', { checked: 2, transient: 2, 'checked:facebook': 2, 'transient:facebook': 2 });
    await seedMany(f, ['a'], { platform: 'facebook' });
    f.platforms.facebook.failNext('checkAccess', { kind: 'transient', message: 'timeout', status: 0 });
    let healthWhenCounted: string | undefined = 'not counted';
    const addCounts = f.store.scanRuns.addCounts.bind(f.store.scanRuns);
    f.store.scanRuns.addCounts = async (runId, increments) => {
      healthWhenCounted = (await f.store.platformHealth.get('facebook'))?.suspectedOutageSince;
      return addCounts(runId, increments);
    };
    expect(outcomes(await checkMessage(f.deps, { runId: 'run-1', connections: refs(['a']) }))).toEqual(['transient']);
    // 3 of 3 transient: suspected down before the message wrote its counts.
    expect(healthWhenCounted).toBe(f.clock.iso());
  });

  it("the outage guard sees every message's outcomes once a message has written its own", async () => {
    const f = fakeDeps();
    await seedMany(f, ['a', 'b', 'c', 'd'], { platform: 'facebook' });
    f.platforms.facebook.failNext('checkAccess', { kind: 'transient', message: 'timeout', status: 0 });
    // Another message wrote two transient Facebook checks after this one read the run's counts.
    const read = f.store.checkReads.read.bind(f.store.checkReads);
    f.store.checkReads.read = async (runId, refs, platforms) => {
      const inputs = await read(runId, refs, platforms);
      await f.store.scanRuns.addCounts(runId, { checked: 2, transient: 2, 'checked:facebook': 2, 'transient:facebook': 2 });
      return inputs;
    };
    await checkMessage(f.deps, { runId: 'run-1', connections: refs(['a', 'b', 'c', 'd']) });
    // Its own view: 1 of 4 transient (not down); the run once it wrote: 3 of 6, the outage share.
    expect((await f.store.platformHealth.get('facebook'))?.suspectedOutageSince).toBe(f.clock.iso());
  });

  it('an X check refreshes and records the check in one write; a concurrent refresh is still refused by the lease', async () => {
    const f = fakeDeps();
    const before = await seedConnection(f, { platform: 'x', ...due, tokens: { accessToken: 'x-old', refreshToken: 'x-old-r' } });
    const updates = counted(f.store.connections, 'update');
    const singleReads = counted(f.store.connections, 'get');
    expect(outcomes(await checkMessage(f.deps, { runId: 'run-1', connections: refs(['conn-1']) }))).toEqual(['refreshed']);
    // The lease's answer is the read under the lease; the new tokens and the check's result are one write.
    expect(singleReads.calls).toBe(0);
    expect(updates.calls).toBe(1);
    const after = await stored(f);
    expect(after.version).toBe(before.version + 1);
    expect(after).toMatchObject({ lastCheckedAt: f.clock.iso(), transientFailures: 0 });
    expect(after.leaseUntil).toBeUndefined();
    expect(Date.parse(after.nextCheckAt!)).toBeGreaterThan(f.clock.now().getTime());
    expect(await openTokens(f.cipher, after)).toMatchObject({ accessToken: 'x-access-1', refreshToken: 'x-refresh-1' });
    // Due again tomorrow; another worker holds the lease (refreshing right now): no second refresh.
    f.clock.advanceDays(1);
    await f.store.connections.acquireLease('ws-1', 'conn-1', new Date(f.clock.now().getTime() + 60_000).toISOString(), f.clock.iso());
    expect(outcomes(await checkMessage(f.deps, { runId: 'run-2', connections: refs(['conn-1']) }))).toEqual(['skipped']);
    expect(f.platforms.x.callsOf('refresh')).toBe(1);
  });
});
