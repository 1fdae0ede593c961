import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime, LocalRuntimeOptions } from '../../../local/runtime.js';
import type { SqsBatchHandler } from '../../../local/services/event-source-mapping.js';
import { RECONCILE } from '../../../shared/config/messaging.js';
import type { Post } from '../../../shared/domain/post.js';
import { startWithConnectedAccount } from '../../helpers/connected-account.js';

/**
 * The reconciliation repairs what a lost message strands. Here the restore's messages end in their
 * DLQs (the post-retries fan-out and the alerts worker fail every receive), as they can in AWS: the
 * account is back, yet its failed posts stay failed and its expiry alert stays open until the
 * reconciliation runs.
 */
let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

const SETTLED_MS = (RECONCILE.settleMinutes + 1) * 60_000;

/** Fails every receive of the restore's messages (they end in the DLQs), while `lose.on`. */
function losingRestores(lose: { on: boolean }): LocalRuntimeOptions['wrapQueueHandler'] {
  return (consumer, handler): SqsBatchHandler => async (event, context) => {
    const doomed = event.Records.filter((r) => lose.on && (consumer === 'postRetries' || (consumer === 'alerts' && r.body.includes('connection.restored'))));
    if (doomed.length === 0) return handler(event, context);
    const rest = event.Records.filter((r) => !doomed.includes(r));
    const out = rest.length > 0 ? await handler({ Records: rest }, context) : undefined;
    return { batchItemFailures: [...doomed.map((r) => ({ itemIdentifier: r.messageId })), ...(out ? out.batchItemFailures : [])] };
  };
}

async function setUp() {
  const lose = { on: false };
  const base = await startWithConnectedAccount(
    { userId: 'rec-owner', email: 'owner@reconcile.test', workspace: 'Reconcile Bakery', platform: 'linkedin', account: 'rec-co', accountName: 'Rec Co' },
    { wrapQueueHandler: losingRestores(lose) },
  );
  rt = base.rt;
  const alerts = async () =>
    (await base.owner.call<{ alerts: { kind: string; connectionId?: string; resolvedAt?: string }[] }>('GET', `/workspaces/${base.ws}/alerts`)).body.alerts.filter(
      (a) => a.connectionId === base.connectionId && (a.kind === 'connection_expired' || a.kind === 'post_failed'),
    );
  /** Posts fail on a revoked account, the owner reconnects, and the restore's messages are lost. */
  const strand = async (texts: string[]) => {
    await base.owner.call('POST', `/sandbox/linkedin/accounts/${base.account}/revoke`, { reason: 'revoked' });
    const ids: string[] = [];
    for (const text of texts) ids.push(await base.schedule(text));
    await base.publishDue();
    for (const id of ids) expect((await base.post(id)).status).toBe('failed');
    lose.on = true;
    expect((await base.owner.reconnect(base.ws, base.connectionId, base.account)).searchParams.get('result')).toBe('restored');
    await base.drain();
    expect((await base.rt.queues.dlqDepth('postRetries')).visible).toBe(1);
    return ids;
  };
  return { ...base, lose, alerts, strand };
}

describe('the reconciliation', { timeout: 60_000 }, () => {
  it('publishes, once each, the failed posts a lost restore left behind and resolves its alerts; not while the restore may still run', async () => {
    const s = await setUp();
    const ids = await s.strand(['Croissants', 'Baguettes', 'Eclairs']);
    // The bug: the account works again, its posts wait for nothing, the expiry alert stays open.
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'active' });
    for (const id of ids) expect((await s.post(id)).status).toBe('failed');
    expect((await s.alerts()).filter((a) => !a.resolvedAt).map((a) => a.kind)).toContain('connection_expired');

    // Right after the reconnect the restore may still be at work: the reconciliation leaves it alone.
    expect(await s.rt.reconcile()).toMatchObject({ reenqueued: 0, alertsResolved: 0 });

    s.rt.clock.advanceMs(SETTLED_MS);
    const first = await s.rt.reconcile();
    expect(first).toMatchObject({ reenqueued: 3, released: 0 });
    expect(first.alertsResolved).toBeGreaterThanOrEqual(1);
    await s.drain();
    for (const id of ids) expect((await s.post(id)).status).toBe('published');
    expect(await s.published()).toEqual(['Baguettes', 'Croissants', 'Eclairs']);
    expect((await s.alerts()).filter((a) => !a.resolvedAt)).toEqual([]);

    // Concurrent runs and redelivered retries publish nothing twice, and the work left the index.
    const again = await Promise.all([s.rt.reconcile(), s.rt.reconcile()]);
    expect(again.map((r) => r.reenqueued + r.released + r.alertsResolved)).toEqual([0, 0]);
    await s.rt.deps.queues.sendBatch('publish', ids.map((postId) => ({ workspaceId: s.ws, postId, attemptKey: 'replayed', retry: true })));
    await s.drain();
    expect(await s.published()).toEqual(['Baguettes', 'Croissants', 'Eclairs']);
  });

  it('leaves the failed posts and alerts of a connection still down, reading one page of its entries, not all of them', async () => {
    const s = await setUp();
    await s.owner.call('POST', `/sandbox/linkedin/accounts/${s.account}/revoke`, { reason: 'revoked' });
    const first = await s.schedule('The first one fails');
    await s.publishDue();
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'expired' });
    const failed = (await s.rt.deps.store.posts.get(s.ws, first)) as Post;
    // Many more posts wait for the reconnect (written directly: the API would take minutes for 250).
    for (let i = 0; i < 250; i++) await s.rt.deps.store.posts.create({ ...failed, postId: `waiting-${i}`, text: `Waiting ${i}`, version: 1 });

    s.rt.clock.advanceMs(SETTLED_MS);
    const run = await s.rt.reconcile();
    expect(run).toMatchObject({ reenqueued: 0, released: 0, alertsResolved: 0 });
    expect(run.entriesRead).toBeLessThan(40);
    expect((await s.post(first)).status).toBe('failed');
    expect((await s.alerts()).some((a) => a.kind === 'connection_expired' && !a.resolvedAt)).toBe(true);
  });

  it('puts a post whose publisher died mid-claim back to scheduled, and publish-due publishes it once', async () => {
    const s = await setUp();
    const postId = await s.schedule('Claimed, then the process died');
    const scheduled = (await s.rt.deps.store.posts.get(s.ws, postId)) as Post;
    const claimUntil = new Date(s.rt.clock.now().getTime() + 120_000).toISOString();
    await s.rt.deps.store.posts.update({ ...scheduled, status: 'publishing', claimUntil, attempts: 1, version: scheduled.version + 1 }, scheduled.version);
    await s.publishDue();
    expect((await s.rt.deps.store.posts.get(s.ws, postId))?.status).toBe('publishing');
    expect(await s.published()).toEqual([]);

    expect(await s.rt.reconcile()).toMatchObject({ released: 0 });
    s.rt.clock.advanceMs(SETTLED_MS + 120_000);
    expect(await s.rt.reconcile()).toMatchObject({ released: 1 });
    await s.publishDue();
    expect((await s.post(postId)).status).toBe('published');
    expect(await s.published()).toEqual(['Claimed, then the process died']);
  });
});
