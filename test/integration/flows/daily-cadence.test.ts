import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import type { Platform } from '../../../shared/config/platforms.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * 14 days against the whole local system: each connection's tick comes a day after the one before,
 * every third day an hour later (its check waited an hour: it keeps that hour from then on; hourly
 * ticks never come early). Every connection is checked in every run (14 checks each), and the
 * platforms see the same number of calls every day: one check per connection per day, never two.
 */
const PLATFORMS_CHECKED: Platform[] = ['facebook', 'linkedin', 'x', 'tiktok'];
const HOUR = 3_600_000;

let rt: LocalRuntime;
let owner: ApiClient;

beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('cadence', 'owner@cadence.test');
  const ws = await owner.createWorkspace('Cadence');
  for (const platform of PLATFORMS_CHECKED) {
    await owner.sandboxAccount(platform, `${platform}-cadence`, `Cadence ${platform}`);
    expect((await owner.connect(ws, platform, `${platform}-cadence`)).searchParams.get('result')).toBe('connected');
  }
}, 60_000);

afterAll(async () => {
  await rt.stop();
});

describe('daily means daily', () => {
  it('14 daily runs check each connection 14 times, with the same platform calls every day', async () => {
    const checkedPerRun: number[] = [];
    const callsPerRun: Record<string, number>[] = [];
    for (let day = 0; day < 14; day++) {
      rt.clock.advanceMs(24 * HOUR + (day % 3 === 0 ? HOUR : 0));
      await owner.login('cadence', 'owner@cadence.test');
      rt.sandbox.resetRequestCounts();
      const run = (await owner.call<{ checked: number; expired: number }>('POST', '/local/scan')).body;
      expect(run.expired).toBe(0);
      checkedPerRun.push(run.checked);
      callsPerRun.push(Object.fromEntries(PLATFORMS_CHECKED.map((p) => [p, rt.sandbox.requestCount(p)])));
    }
    expect(checkedPerRun).toEqual(Array.from({ length: 14 }, () => PLATFORMS_CHECKED.length));
    for (const p of PLATFORMS_CHECKED) {
      const calls = callsPerRun.map((c) => c[p] ?? 0);
      expect(new Set(calls).size, `${p} calls per day: ${calls.join(',')}`).toBe(1);
      expect(calls[0]).toBeGreaterThan(0);
    }
  }, 240_000);
});
