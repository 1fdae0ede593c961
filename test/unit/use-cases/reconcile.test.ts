import { describe, expect, it } from 'vitest';
import { RECONCILE } from '../../../shared/config/messaging.js';
import type { PublishMessage } from '../../../shared/use-cases/posts.js';
import { reconcileStrandedWork } from '../../../shared/use-cases/reconcile.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, seedPost } from './seed.js';

describe('reconciling stranded work', () => {
  it("a failed post of a working connection goes back on publish with its episode's key", async () => {
    // Prepare: the restore's retry message was lost
    const f = fakeDeps();
    await seedConnection(f, { episodeId: 'ep-1' });
    await seedPost(f, { status: 'failed', failedEpisodeId: 'ep-1', failedAt: f.clock.iso() });
    f.clock.advanceMinutes(RECONCILE.settleMinutes + 1);
    // Act
    const out = await reconcileStrandedWork(f.deps);
    // Assess
    expect(out).toMatchObject({ reenqueued: 1 });
    expect(f.queues.on<PublishMessage>('publish')).toEqual([expect.objectContaining({ postId: 'post-1', attemptKey: 'ep-1', retry: true })]);
  });

  it('a post of a connection still down waits; work younger than the settle time is left alone', async () => {
    const f = fakeDeps();
    await seedConnection(f, { status: 'expired', reason: 'revoked', episodeId: 'ep-1' });
    await seedPost(f, { status: 'failed', failedEpisodeId: 'ep-1', failedAt: f.clock.iso() });
    await seedConnection(f, { connectionId: 'fresh' });
    await seedPost(f, { postId: 'young', connectionId: 'fresh', status: 'failed', failedAt: f.clock.iso() });
    expect((await reconcileStrandedWork(f.deps)).reenqueued).toBe(0);
    f.clock.advanceMinutes(RECONCILE.settleMinutes + 1);
    expect((await reconcileStrandedWork(f.deps)).reenqueued).toBe(1);
    expect(f.queues.on<PublishMessage>('publish').map((m) => m.postId)).toEqual(['young']);
  });

  it('a post whose publisher died mid-claim goes back to scheduled; open alerts of a working connection are resolved', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    await seedPost(f, { status: 'publishing', claimUntil: '2026-06-01T09:02:00.000Z' });
    await f.store.alerts.putIfAbsent({ workspaceId: 'ws-1', alertId: 'a1', kind: 'connection_expired', connectionId: 'conn-1', message: 'm', createdAt: f.clock.iso() });
    f.clock.advanceMinutes(RECONCILE.settleMinutes + 5);
    const out = await reconcileStrandedWork(f.deps);
    expect(out).toMatchObject({ released: 1, alertsResolved: 1 });
    expect((await f.store.posts.get('ws-1', 'post-1'))?.status).toBe('scheduled');
    expect((await f.store.alerts.list('ws-1'))[0]?.resolvedAt).toBe(f.clock.iso());
  });
});
