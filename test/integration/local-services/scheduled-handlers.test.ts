import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as DigestModule from '../../../functions/scheduled/digest.js';
import type * as ExpiryScanModule from '../../../functions/scheduled/expiry-scan.js';
import type * as PublishDueModule from '../../../functions/scheduled/publish-due.js';
import type * as ReconcileModule from '../../../functions/scheduled/reconcile.js';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

// What ran: the deployed scheduled handlers (functions/scheduled/*), each with its Lambda context, as
// Scheduler invokes them in AWS, not the use cases behind them. Each factory's handler is wrapped to
// record the function name of the context it was invoked with.
const invoked: string[] = [];
function recording<D, H extends (event: unknown, context: Context) => Promise<unknown>>(factory: (deps: D) => H): (deps: D) => H {
  return (deps: D) => {
    const handler = factory(deps);
    const wrapped = async (event: unknown, context: Context) => {
      invoked.push(context.functionName);
      return handler(event, context);
    };
    return wrapped as unknown as H;
  };
}
vi.mock('../../../functions/scheduled/expiry-scan.js', async (original) => {
  const m = await original<typeof ExpiryScanModule>();
  return { ...m, createExpiryScanHandler: recording(m.createExpiryScanHandler) };
});
vi.mock('../../../functions/scheduled/publish-due.js', async (original) => {
  const m = await original<typeof PublishDueModule>();
  return { ...m, createPublishDueHandler: recording(m.createPublishDueHandler) };
});
vi.mock('../../../functions/scheduled/reconcile.js', async (original) => {
  const m = await original<typeof ReconcileModule>();
  return { ...m, createReconcileHandler: recording(m.createReconcileHandler) };
});
vi.mock('../../../functions/scheduled/digest.js', async (original) => {
  const m = await original<typeof DigestModule>();
  return { ...m, createDigestHandler: recording(m.createDigestHandler) };
});

let rt: LocalRuntime;
let client: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  client = await new ApiClient(rt.url).login('sched-owner', 'owner@sched.test');
});
afterAll(async () => {
  await rt.stop();
});

describe('the local runtime runs the scheduled functions through their handlers', () => {
  it('the scan, publish-due, the reconciliation and the digest each invoke their own function', async () => {
    // Act
    const scan = await client.call<{ checked: number }>('POST', '/local/scan');
    await client.call('POST', '/local/publish-due');
    await rt.reconcile();
    await client.call('POST', '/local/digest');

    // Assess
    expect(scan.status).toBe(200);
    expect(scan.body.checked).toBe(0);
    expect(invoked).toEqual(['expiryScan', 'publishDue', 'reconcile', 'digest']);
  });
});
