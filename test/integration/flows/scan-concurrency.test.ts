import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import type { PlatformAdapter } from '../../../shared/ports/platform.js';
import { CHECKS_IN_FLIGHT_PER_PLATFORM, checkConnection } from '../../../shared/use-cases/scan.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

let rt: LocalRuntime;
let owner: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('conc-owner', 'owner@conc.test');
});
afterAll(async () => {
  await rt.stop();
});

describe('expiry checks', () => {
  it(`call one platform at most ${CHECKS_IN_FLIGHT_PER_PLATFORM} at a time, however many are due at once`, async () => {
    const ws = await owner.createWorkspace('Many Pages');
    for (let i = 0; i < 14; i++) {
      await owner.sandboxAccount('facebook', `page-${i}`, `Page ${i}`);
      await owner.connect(ws, 'facebook', `page-${i}`);
    }
    const connections = await owner.connections(ws);
    expect(connections).toHaveLength(14);
    for (const c of connections) {
      const stored = (await rt.deps.store.connections.get(ws, c.connectionId))!;
      await rt.deps.store.connections.update({ ...stored, nextCheckAt: new Date(rt.clock.now().getTime() - 1000).toISOString(), version: stored.version + 1 }, stored.version);
    }

    const real = rt.deps.platforms.facebook;
    let inFlight = 0;
    let peak = 0;
    const counting: PlatformAdapter = Object.assign(Object.create(Object.getPrototypeOf(real) as object) as PlatformAdapter, real, {
      checkAccess: async (...args: Parameters<PlatformAdapter['checkAccess']>) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        try {
          return await real.checkAccess(...args);
        } finally {
          inFlight--;
        }
      },
    });
    const deps = { ...rt.deps, platforms: { ...rt.deps.platforms, facebook: counting } };
    const outcomes = await Promise.all(connections.map((c) => checkConnection(deps, 'conc-run', { workspaceId: ws, connectionId: c.connectionId })));

    expect(outcomes.every((o) => o === 'healthy')).toBe(true);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(CHECKS_IN_FLIGHT_PER_PLATFORM);
  });
});
