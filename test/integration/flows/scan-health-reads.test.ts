import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import type { Deps } from '../../../shared/use-cases/deps.js';
import { checkMessage } from '../../../shared/use-cases/scan.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

let rt: LocalRuntime;
let owner: ApiClient;
let ws: string;
let ids: string[];
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('health-owner', 'owner@health.test');
  ws = await owner.createWorkspace('Pages');
  for (let i = 0; i < 6; i++) {
    await owner.sandboxAccount('facebook', `hr-page-${i}`, `Page ${i}`);
    await owner.connect(ws, 'facebook', `hr-page-${i}`);
  }
  ids = (await owner.connections(ws)).map((c) => c.connectionId);
});
afterAll(async () => {
  await rt.stop();
});

async function makeDue(): Promise<void> {
  for (const id of ids) {
    const stored = (await rt.deps.store.connections.get(ws, id))!;
    await rt.deps.store.connections.update({ ...stored, nextCheckAt: new Date(rt.clock.now().getTime() - 1000).toISOString(), version: stored.version + 1 }, stored.version);
  }
}

/** The runtime's ports, with the platform-health reads counted. */
function countingHealthReads(): { deps: Deps; reads: () => number } {
  let reads = 0;
  const health = rt.deps.store.platformHealth;
  const store = { ...rt.deps.store, platformHealth: { get: (p: Parameters<typeof health.get>[0]) => ((reads += 1), health.get(p)), put: health.put.bind(health) } };
  return { deps: { ...rt.deps, store }, reads: () => reads };
}

describe('the checks of one queue message', () => {
  it('read the platform health with their connections (one request), never once per check when nothing about it changes', async () => {
    await makeDue();
    const { deps, reads } = countingHealthReads();
    const outcomes = await checkMessage(deps, { runId: 'hr-run-1', connections: ids.map((connectionId) => ({ workspaceId: ws, connectionId })) });
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason))).toEqual(ids.map(() => 'healthy'));
    expect(reads()).toBe(0);
  });

  it('still end an integration problem on the first healthy answer (decided again on a fresh read)', async () => {
    const since = rt.clock.now().toISOString();
    await rt.deps.store.platformHealth.put({ platform: 'facebook', integrationProblem: { since, cause: 'permission_revoked', message: 'pulled at review' }, updatedAt: since });
    rt.clock.advanceMs(25 * 3_600_000);
    await makeDue();
    await checkMessage(rt.deps, { runId: 'hr-run-2', connections: ids.map((connectionId) => ({ workspaceId: ws, connectionId })) });
    expect((await rt.deps.store.platformHealth.get('facebook'))?.integrationProblem).toBeUndefined();
  });
});
