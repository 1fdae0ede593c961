import { describe, expect, it } from 'vitest';
import { discardPost, publishNow, updateWorkspaceSettings } from '../../../shared/use-cases/late-posts.js';
import type { PublishMessage } from '../../../shared/use-cases/posts.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, seedPost, seedWorkspace } from './seed.js';

describe('late posts', () => {
  it('settings: set, echoed as stored, and cleared with null', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    expect(await updateWorkspaceSettings(f.deps, 'ws-1', { skipRetriesOlderThanHours: 12, stalePosts: { policy: 'hold' } })).toEqual({
      skipRetriesOlderThanHours: 12,
      stalePosts: { policy: 'hold', afterHours: 24 },
    });
    expect(await updateWorkspaceSettings(f.deps, 'ws-1', { skipRetriesOlderThanHours: null, stalePosts: null })).toEqual({
      skipRetriesOlderThanHours: null,
      stalePosts: { policy: 'retry', afterHours: 24 },
    });
  });

  it('publish-now puts a held post back on the queue, once; a published one is a CONFLICT', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    await seedPost(f, { status: 'held' });
    await seedPost(f, { postId: 'done', status: 'published' });
    expect(await publishNow(f.deps, 'ws-1', 'post-1')).toEqual({ postId: 'post-1', status: 'scheduled' });
    expect(await f.store.posts.get('ws-1', 'post-1')).toMatchObject({ status: 'scheduled', releasedByOwnerAt: f.clock.iso() });
    expect(f.queues.on<PublishMessage>('publish')).toEqual([{ workspaceId: 'ws-1', postId: 'post-1', attemptKey: 'publish-now.v2', retry: true }]);
    await expect(publishNow(f.deps, 'ws-1', 'post-1')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(publishNow(f.deps, 'ws-1', 'done')).rejects.toMatchObject({ code: 'CONFLICT', message: 'This post is already published.' });
  });

  it('publish-now of a post whose account is down asks for a reconnect first', async () => {
    const f = fakeDeps();
    await seedConnection(f, { status: 'expired', reason: 'revoked', episodeId: 'e' });
    await seedPost(f, { status: 'failed_permanent' });
    await expect(publishNow(f.deps, 'ws-1', 'post-1')).rejects.toMatchObject({ code: 'CONNECTION_NOT_ACTIVE' });
    expect(f.queues.sent.size).toBe(0);
  });

  it('discard: a held post is gone; a published or publishing one stays, with why', async () => {
    const f = fakeDeps();
    await seedPost(f, { status: 'held' });
    await seedPost(f, { postId: 'out', status: 'published' });
    await seedPost(f, { postId: 'busy', status: 'publishing' });
    await discardPost(f.deps, 'ws-1', 'post-1');
    expect(await f.store.posts.get('ws-1', 'post-1')).toBeUndefined();
    await expect(discardPost(f.deps, 'ws-1', 'out')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already published/) });
    await expect(discardPost(f.deps, 'ws-1', 'busy')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/being published/) });
    await expect(discardPost(f.deps, 'ws-1', 'post-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
