import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { dueConnectionKeys } from '../../../shared/config/table.js';
import { checkConnection, checkMessage, scanRunSummary, type ExpiryCheckMessage } from '../../../shared/use-cases/scan.js';
import { readScanSegment, SCAN_PLAN, startScanRun, type ScanPlan, type ScanSegmentMessage } from '../../../shared/use-cases/scan-run.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, stored } from './seed.js';

describe('a scan run: finding what is due', () => {
  it('hands out only the connections due by the tick, in messages of at most 20, each once, with segments handing their cursor on', async () => {
    // Prepare: 25 due yesterday, one not due, one expired (never due); a budget of 2 items per read
    const f = fakeDeps();
    for (let i = 0; i < 25; i++) await seedConnection(f, { connectionId: `c${i}`, nextCheckAt: '2026-05-31T09:00:00.000Z' });
    await seedConnection(f, { connectionId: 'tomorrow', nextCheckAt: '2026-06-02T09:00:00.000Z' });
    await seedConnection(f, { connectionId: 'down', status: 'expired', nextCheckAt: undefined });
    const plan = { ...SCAN_PLAN, itemsPerInvocation: 2 };
    // Act: the tick, then every segment message (and each cursor handed on) as its consumer would
    const run = await startScanRun(f.deps, { plan });
    let handedOn = 0;
    for (let i = 0; i < f.queues.on<ScanSegmentMessage>('scanSegments').length; i++) {
      const result = await readScanSegment(f.deps, f.queues.on<ScanSegmentMessage>('scanSegments')[i]!, { plan });
      expect(result.itemsRead).toBeLessThanOrEqual(plan.itemsPerInvocation);
      if (result.handedOn) handedOn++;
    }
    // Assess
    expect(run.started).toBe(true);
    expect(handedOn).toBeGreaterThan(0);
    const messages = f.queues.on<ExpiryCheckMessage>('expiryChecks');
    expect(messages.every((m) => m.connections.length <= 20 && m.runId === run.runId)).toBe(true);
    expect(messages.flatMap((m) => m.connections.map((c) => c.connectionId)).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `c${i}`).sort());
  });
});

describe('a scan run: what it costs and what a retried reader does', () => {
  const DUE = '2026-05-31T09:00:00.000Z';
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
  /** Every scan-segments message sent so far, handled in `order` until none is left; returns how many readers ran. */
  async function readAll(f: ReturnType<typeof fakeDeps>, plan: ScanPlan, done: number, order: 'fifo' | 'lifo' = 'fifo'): Promise<number> {
    const handled = new Set<number>(Array.from({ length: done }, (_, i) => i));
    let invocations = 0;
    for (;;) {
      const all = f.queues.on<ScanSegmentMessage>('scanSegments');
      const open = all.map((_, i) => i).filter((i) => !handled.has(i));
      if (open.length === 0) return invocations;
      const i = order === 'fifo' ? open[0]! : open[open.length - 1]!;
      handled.add(i);
      if (!(await readScanSegment(f.deps, all[i]!, { plan })).duplicate) invocations++;
    }
  }

  it('a run with few due connections reads every segment in one invocation and sends them in full check messages', async () => {
    // Prepare: 45 due connections, spread over several segments of the due index
    const f = fakeDeps();
    for (const id of ids(45)) await seedConnection(f, { connectionId: id, platform: 'facebook', nextCheckAt: DUE });
    const segments = new Set(ids(45).map((id) => dueConnectionKeys({ workspaceId: 'ws-1', connectionId: id, nextCheckAt: DUE }).duePk));
    expect(segments.size).toBeGreaterThan(4);
    // Act
    const run = await startScanRun(f.deps);
    const readers = await readAll(f, SCAN_PLAN, 0);
    // Assess: one reader, 3 messages of 20, 20 and 5 (not one or more per segment), one SendMessageBatch each for the tick and the checks
    expect(readers).toBe(1);
    expect(f.queues.on<ExpiryCheckMessage>('expiryChecks').map((m) => m.connections.length)).toEqual([20, 20, 5]);
    expect(f.queues.batchCalls).toBe(2);
    expect(await scanRunSummary(f.deps, run.runId)).toMatchObject({ itemsRead: 45 });
  });

  it('a reader whose budget is spent hands its cursor on and fans the segments it did not reach out, each read once', async () => {
    const f = fakeDeps();
    for (const id of ids(45)) await seedConnection(f, { connectionId: id, platform: 'facebook', nextCheckAt: DUE });
    const plan = { ...SCAN_PLAN, itemsPerInvocation: 10 };
    await startScanRun(f.deps, { plan });
    const first = await readScanSegment(f.deps, f.queues.on<ScanSegmentMessage>('scanSegments')[0]!, { plan });
    const goOn = f.queues.on<ScanSegmentMessage>('scanSegments').slice(1);
    expect(first.itemsRead).toBe(10);
    // The segment it stopped in goes on from its cursor; every later one is a message of its own, from its start.
    const stoppedIn = goOn.find((m) => m.cursor !== undefined)!;
    expect(goOn.filter((m) => m.cursor === undefined).map((m) => m.segment)).toEqual(Array.from({ length: plan.readShards - 1 - stoppedIn.segment }, (_, i) => stoppedIn.segment + 1 + i));
    expect(goOn.every((m) => m.through === undefined)).toBe(true);
    await readAll(f, plan, 1);
    const sent = f.queues.on<ExpiryCheckMessage>('expiryChecks').flatMap((m) => m.connections.map((c) => c.connectionId));
    expect(sent.sort()).toEqual(ids(45).sort());
  });

  it('a reader that died after sending is read again after its lease; whichever copy of a step goes on, no connection is missed or checked twice', async () => {
    // Prepare: the first reader sends its checks and hand-offs, then dies before stamping its claim done
    const f = fakeDeps();
    for (const id of ids(45)) await seedConnection(f, { connectionId: id, platform: 'facebook', nextCheckAt: DUE });
    const plan = { ...SCAN_PLAN, itemsPerInvocation: 10 };
    await startScanRun(f.deps, { plan });
    const tickMessage = f.queues.on<ScanSegmentMessage>('scanSegments')[0]!;
    const dying = { ...f.deps, store: { ...f.store, scanClaims: { ...f.store.scanClaims, finish: () => Promise.reject(new Error('invocation timed out')) } } };
    await expect(readScanSegment(dying, tickMessage, { plan })).rejects.toThrow('timed out');
    // Its first checks ran meanwhile (those connections are no longer due), then SQS gives its message again after the lease
    const outcomes = new Map<string, string[]>();
    const check = async (m: ExpiryCheckMessage) => {
      const results = await checkMessage(f.deps, m);
      m.connections.forEach((c, i) => outcomes.set(c.connectionId, [...(outcomes.get(c.connectionId) ?? []), results[i]!.status === 'fulfilled' ? results[i]!.value : 'failed']));
    };
    for (const m of f.queues.on<ExpiryCheckMessage>('expiryChecks').slice()) await check(m);
    const checkedBefore = f.queues.on<ExpiryCheckMessage>('expiryChecks').length;
    f.clock.advanceMinutes(2);
    const again = await readScanSegment(f.deps, tickMessage, { plan });
    expect(again.duplicate).toBe(false);
    // Act: every message either copy sent, newest first (the copies' hand-offs race for the same steps)
    await readAll(f, plan, 1, 'lifo');
    for (const m of f.queues.on<ExpiryCheckMessage>('expiryChecks').slice(checkedBefore)) await check(m);
    // Assess: each connection checked once (the rest of its entries skipped), none left due
    for (const id of ids(45)) expect(outcomes.get(id)?.filter((o) => o !== 'skipped'), id).toEqual(['healthy']);
  });
});

describe('the daily scan: checking one connection', () => {
  const due = { nextCheckAt: '2026-06-01T08:00:00.000Z' };

  it('a healthy probe records the check and sets the next one; no event', async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'facebook', ...due });
    expect(await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: 'conn-1' })).toBe('healthy');
    const c = await stored(f);
    expect(c).toMatchObject({ status: 'active', lastCheckedAt: f.clock.iso() });
    expect(Date.parse(c.nextCheckAt!)).toBeGreaterThan(f.clock.now().getTime());
    expect(f.bus.events).toEqual([]);
    expect(await scanRunSummary(f.deps, 'run-1')).toMatchObject({ checked: 1, expired: 0 });
  });

  it("a permanent answer expires it with the platform's reason and announces the episode", async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'facebook', ...due });
    f.platforms.facebook.failNext('checkAccess', { kind: 'expired', reason: 'password_changed', message: 'Error validating access token: The session has been invalidated because the user changed their password' });
    expect(await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: 'conn-1' })).toBe('expired');
    expect(await stored(f)).toMatchObject({ status: 'expired', reason: 'password_changed', platformMessage: expect.stringMatching(/changed their password/) });
    expect(f.bus.of(EVENT_TYPES.expired)).toHaveLength(1);
  });

  it('a transient answer never expires: it is re-checked later with backoff', async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'facebook', ...due });
    f.platforms.facebook.failNext('checkAccess', { kind: 'transient', message: 'Service Unavailable', status: 503 });
    expect(await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: 'conn-1' })).toBe('transient');
    const c = await stored(f);
    expect(c).toMatchObject({ status: 'active', transientFailures: 1 });
    expect(Date.parse(c.nextCheckAt!) - f.clock.now().getTime()).toBeGreaterThanOrEqual(3_600_000);
    expect(f.bus.events).toEqual([]);
  });

  it('a platform down for most of a run is marked as a suspected outage; its permanent answers are then held', async () => {
    const f = fakeDeps();
    for (let i = 0; i < 3; i++) {
      await seedConnection(f, { connectionId: `o${i}`, platform: 'facebook', ...due });
      f.platforms.facebook.failNext('checkAccess', { kind: 'transient', message: 'timeout', status: 0 });
      await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: `o${i}` });
    }
    expect((await f.store.platformHealth.get('facebook'))?.suspectedOutageSince).toBe(f.clock.iso());
    await seedConnection(f, { connectionId: 'held', platform: 'facebook', ...due });
    f.platforms.facebook.failNext('checkAccess', { kind: 'expired', reason: 'revoked', message: 'odd answer' });
    expect(await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: 'held' })).toBe('held');
    expect((await stored(f, 'held')).status).toBe('active');
  });

  it('a connection not due (a duplicate message) is skipped without a platform call', async () => {
    const f = fakeDeps();
    await seedConnection(f, { nextCheckAt: '2026-06-02T08:00:00.000Z' });
    expect(await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: 'conn-1' })).toBe('skipped');
    expect(f.platforms.linkedin.calls).toEqual([]);
  });

  it('a consent ending within the warning window turns it amber once, with one expiring event', async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'linkedin', consentExpiresAt: '2026-06-10T00:00:00.000Z', refreshTokenExpiresAt: '2026-06-10T00:00:00.000Z', accessTokenExpiresAt: '2026-07-01T00:00:00.000Z', ...due });
    expect(await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: 'conn-1' })).toBe('expiring');
    f.clock.advanceDays(1);
    await checkConnection(f.deps, 'run-2', { workspaceId: 'ws-1', connectionId: 'conn-1' });
    expect(await stored(f)).toMatchObject({ status: 'expiring', expiringFor: '2026-06-10T00:00:00.000Z' });
    expect(f.bus.of(EVENT_TYPES.expiring)).toHaveLength(1);
  });

  it('our token store down is a transient failure of ours, never an expiry', async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'facebook', ...due });
    f.keys.down = true;
    expect(await checkConnection(f.deps, 'run-1', { workspaceId: 'ws-1', connectionId: 'conn-1' })).toBe('transient');
    expect((await stored(f)).status).toBe('active');
    expect(f.metrics.total('transientFailures', { kind: 'token_store' })).toBe(1);
  });
});
