import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { OUTAGE_MIN_CHECKS } from '../../../shared/use-cases/scan.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

let rt: LocalRuntime;
let owner: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('guard-owner', 'owner@guard.test');
});
afterAll(async () => {
  await rt.stop();
});

type Row = { connectionId: string; status: string; platformOutageSuspected?: boolean };

describe('outage guard across runs', () => {
  it(`clears once the platform answers again, even with fewer than ${OUTAGE_MIN_CHECKS} of its connections left to check`, async () => {
    const ws = await owner.createWorkspace('Guarded');
    for (const n of [1, 2, 3]) {
      await owner.sandboxAccount('instagram', `ig-guard-${n}`, `Guard ${n}`);
      await owner.connect(ws, 'instagram', `ig-guard-${n}`);
    }
    await owner.call('POST', '/sandbox/instagram/outage', { down: true });
    rt.clock.advanceDays(1);
    await owner.login('guard-owner', 'owner@guard.test');
    await owner.call('POST', '/local/scan');
    let rows = (await owner.call<{ connections: Row[] }>('GET', `/workspaces/${ws}/connections`)).body.connections;
    expect(rows.every((r) => r.status === 'active' && r.platformOutageSuspected === true)).toBe(true);

    // The owner removes one account; the platform recovers.
    expect((await owner.call('DELETE', `/workspaces/${ws}/connections/${rows[0]!.connectionId}`)).status).toBe(204);
    await owner.call('POST', '/sandbox/instagram/outage', { down: false });
    rt.clock.advanceDays(1);
    await owner.login('guard-owner', 'owner@guard.test');
    const run = (await owner.call<{ checked: number }>('POST', '/local/scan')).body;
    expect(run.checked).toBe(2);
    rows = (await owner.call<{ connections: Row[] }>('GET', `/workspaces/${ws}/connections`)).body.connections;
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'active' && r.platformOutageSuspected === undefined)).toBe(true);
  });
});
