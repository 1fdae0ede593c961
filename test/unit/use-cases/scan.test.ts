import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { checkConnection, scanRunSummary, type ExpiryCheckMessage } from '../../../shared/use-cases/scan.js';
import { readScanSegment, SCAN_PLAN, startScanRun, type ScanSegmentMessage } from '../../../shared/use-cases/scan-run.js';
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
