import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../../local/runtime.js';
import type { Platform } from '../../../../shared/config/platforms.js';
import { QUEUES } from '../../../../shared/config/messaging.js';
import { CHECKS_IN_FLIGHT_PER_PLATFORM } from '../../../../shared/use-cases/scan.js';
import { faultyFetch } from '../../../helpers/faulty-fetch.js';
import { ApiClient, startTestRuntime } from '../../../helpers/local-api.js';
import { soakScale } from '../../../helpers/soak.js';

/**
 * Faults from the platforms during a scan: 503s, 429s with Retry-After and requests that time out,
 * on a seeded share of every platform call. No connection may expire for them, and the calls in
 * flight to one platform never exceed the per-platform bound.
 */
const PLATFORMS_UNDER_TEST: Platform[] = ['linkedin', 'x', 'facebook'];
const ACCOUNTS_PER_PLATFORM = 3 * soakScale();
const faulty = faultyFetch();

let rt: LocalRuntime;
let owner: ApiClient;
let ws: string;

beforeAll(async () => {
  // Visibility as in AWS (longer than a check takes): a slow check is not handed to a second worker meanwhile.
  rt = await startTestRuntime({ fetchImpl: faulty.fetch, awsConcurrency: true, visibilityTimeoutSeconds: 20 });
  owner = await new ApiClient(rt.url).login('faults-owner', 'owner@faults.test');
  ws = await owner.createWorkspace('Faulty');
  for (const platform of PLATFORMS_UNDER_TEST) {
    for (let n = 0; n < ACCOUNTS_PER_PLATFORM; n++) {
      await owner.sandboxAccount(platform, `${platform}-f${n}`, `Faulty ${platform} ${n}`);
      expect((await owner.connect(ws, platform, `${platform}-f${n}`)).searchParams.get('result')).toBe('connected');
    }
  }
}, 120_000);

afterAll(async () => {
  await rt.stop();
});

describe('platform faults during a scan', () => {
  it('expire nothing, and keep each platform under its bound', async () => {
    faulty.share = 0.5;
    faulty.maxInFlight.clear();
    rt.clock.advanceDays(1);
    await owner.login('faults-owner', 'owner@faults.test');
    const run = (await owner.call<{ checked: number; expired: number }>('POST', '/local/scan')).body;
    expect(run.checked).toBe(PLATFORMS_UNDER_TEST.length * ACCOUNTS_PER_PLATFORM);
    expect(run.expired).toBe(0);
    const rows = await owner.connections(ws);
    expect(rows.filter((r) => r.status === 'expired')).toEqual([]);
    const { faults } = faulty;
    expect(faults['503'] + faults['429'] + faults.timeout).toBeGreaterThan(0);
    // One process here: the bound per platform is the limiter's (x the queue's concurrency in AWS, one per instance).
    const bound = CHECKS_IN_FLIGHT_PER_PLATFORM * QUEUES.expiryChecks.maxConcurrency;
    for (const p of PLATFORMS_UNDER_TEST) expect(faulty.maxInFlight.get(p) ?? 0).toBeLessThanOrEqual(bound);
  }, 180_000);
});
