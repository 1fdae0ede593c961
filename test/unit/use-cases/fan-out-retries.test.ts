import { describe, expect, it } from 'vitest';
import { enqueueFailedPostRetries } from '../../../shared/use-cases/fan-out-retries.js';
import type { PublishMessage } from '../../../shared/use-cases/posts.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, seedPost } from './seed.js';

const restored = { workspaceId: 'ws-1', connectionId: 'conn-1', platform: 'linkedin' as const, occurredAt: '2026-06-01T09:00:00.000Z', episodeId: 'ep-1' };

describe('retrying failed posts after a restore', () => {
  it('every failed post of the connection goes to publish, keyed by the episode, ten per batch call', async () => {
    // Prepare: 23 failed posts, one published, one of another connection
    const f = fakeDeps();
    await seedConnection(f);
    for (let i = 0; i < 23; i++) await seedPost(f, { postId: `p${String(i).padStart(2, '0')}`, status: 'failed' });
    await seedPost(f, { postId: 'done', status: 'published' });
    await seedPost(f, { postId: 'other', status: 'failed', connectionId: 'conn-2' });
    // Act
    const out = await enqueueFailedPostRetries(f.deps, restored);
    // Assess
    expect(out.enqueued).toBe(23);
    const sent = f.queues.on<PublishMessage>('publish');
    expect(new Set(sent.map((m) => m.postId)).size).toBe(23);
    expect(sent.every((m) => m.attemptKey === 'ep-1' && m.retry)).toBe(true);
    expect(f.queues.batchCalls).toBe(3);
    expect(f.metrics.total('retriesPublished')).toBe(23);
  });

  it('a connection dropped again (or removed) before this ran retries nothing: the posts wait', async () => {
    const f = fakeDeps();
    await seedConnection(f, { status: 'expired', reason: 'revoked', episodeId: 'ep-2' });
    await seedPost(f, { status: 'failed' });
    expect(await enqueueFailedPostRetries(f.deps, restored)).toEqual({ enqueued: 0 });
    expect(f.queues.sent.size).toBe(0);
  });
});
