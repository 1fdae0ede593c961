import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { publishPost, TransientPublishError } from '../../../shared/use-cases/publish-post.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, seedPost, seedWorkspace, stored } from './seed.js';

const first = { workspaceId: 'ws-1', postId: 'post-1', attemptKey: 'scheduled', retry: false };

describe('publishing a post', () => {
  it('publishes once: a second delivery of the same message finds it done', async () => {
    // Prepare
    const f = fakeDeps();
    await seedConnection(f);
    await seedPost(f);
    // Act
    const out = await publishPost(f.deps, first);
    const again = await publishPost(f.deps, first);
    // Assess
    expect(out).toEqual({ outcome: 'published', platformPostId: 'linkedin-post-1' });
    expect(again).toEqual({ outcome: 'already_done', status: 'published' });
    expect(f.platforms.linkedin.published.map((p) => p.text)).toEqual(['Summer sale starts today']);
    expect(await f.store.posts.get('ws-1', 'post-1')).toMatchObject({ status: 'published', attempts: 1, platformPostId: 'linkedin-post-1' });
    expect((await stored(f)).lastPublishedAt).toBe(f.clock.iso());
  });

  it('an auth error fails the post, expires the connection with the reason read, and the post is in the alert', async () => {
    // Prepare
    const f = fakeDeps();
    await seedWorkspace(f);
    await seedConnection(f);
    await seedPost(f);
    f.platforms.linkedin.failNext('publish', { kind: 'expired', reason: 'revoked', message: 'The token used in the request has been revoked by the user' });
    // Act
    const out = await publishPost(f.deps, first);
    // Assess
    expect(out).toEqual({ outcome: 'failed_waiting_for_reconnect' });
    expect(await stored(f)).toMatchObject({ status: 'expired', reason: 'revoked' });
    const post = await f.store.posts.get('ws-1', 'post-1');
    expect(post).toMatchObject({ status: 'failed', failedEpisodeId: (await stored(f)).episodeId, lastError: { code: 'CONNECTION_EXPIRED/linkedin/revoked' } });
    expect(f.bus.of(EVENT_TYPES.expired)).toHaveLength(1);
    // It opened the episode: the expiry email lists it, no separate post_failed event.
    expect(f.bus.of(EVENT_TYPES.postFailed)).toHaveLength(0);
    expect((await f.store.alerts.list('ws-1')).map((a) => a.kind)).toEqual(['post_failed']);
  });

  it('a post of an already expired connection waits as failed and says so (post_failed), without calling the platform', async () => {
    const f = fakeDeps();
    await seedConnection(f, { status: 'expired', reason: 'password_changed', episodeId: 'ep-1', episodeAnnounced: true });
    await seedPost(f);
    expect(await publishPost(f.deps, first)).toEqual({ outcome: 'failed_waiting_for_reconnect' });
    expect(f.platforms.linkedin.callsOf('publish')).toBe(0);
    expect(f.bus.of(EVENT_TYPES.postFailed)).toEqual([{ type: EVENT_TYPES.postFailed, detail: expect.objectContaining({ postId: 'post-1', episodeId: 'ep-1' }) }]);
  });

  it('an outage returns the post to scheduled and throws so the queue retries; nothing expires', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    await seedPost(f);
    f.platforms.linkedin.failNext('publish', { kind: 'transient', message: 'Service Unavailable', status: 503 });
    await expect(publishPost(f.deps, first)).rejects.toBeInstanceOf(TransientPublishError);
    expect(await f.store.posts.get('ws-1', 'post-1')).toMatchObject({ status: 'scheduled', lastError: { code: 'PLATFORM_UNAVAILABLE' } });
    expect((await stored(f)).status).toBe('active');
  });

  it('a refusal for what the post is (rejected) is final, with the platform words', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    await seedPost(f);
    f.platforms.linkedin.failNext('publish', { kind: 'rejected', message: 'Duplicate content', status: 422 });
    expect(await publishPost(f.deps, first)).toEqual({ outcome: 'failed_permanent', message: 'Duplicate content' });
    expect(await f.store.posts.get('ws-1', 'post-1')).toMatchObject({ status: 'failed_permanent', lastError: { code: 'PLATFORM_REJECTED', message: 'Duplicate content' } });
  });

  it('a refusal a refresh may cure: refreshed, saved and retried once (X after its 2 hours)', async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'x' });
    await seedPost(f);
    f.platforms.x.failNext('publish', { kind: 'expired', reason: 'token_expired', message: 'Unauthorized', status: 401, refreshAndRetry: true });
    expect(await publishPost(f.deps, first)).toMatchObject({ outcome: 'published' });
    expect(f.platforms.x.calls.map((c) => c.op)).toEqual(['publish', 'refresh', 'publish']);
    expect((await stored(f)).status).toBe('active');
  });

  it('a second worker with the same message while the first holds the claim publishes nothing', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    await seedPost(f, { status: 'publishing', claimUntil: '2026-06-01T09:02:00.000Z' });
    expect(await publishPost(f.deps, first)).toEqual({ outcome: 'skipped_busy' });
    expect(f.platforms.linkedin.callsOf('publish')).toBe(0);
  });

  it('a late retry is held for the owner when the workspace says hold', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    await f.store.owners.setStalePosts('ws-1', { policy: 'hold', afterHours: 24 });
    await seedConnection(f);
    await seedPost(f, { status: 'failed', publishAt: '2026-05-30T09:00:00.000Z' });
    expect(await publishPost(f.deps, { ...first, attemptKey: 'ep-1', retry: true })).toEqual({ outcome: 'held' });
    expect(f.platforms.linkedin.callsOf('publish')).toBe(0);
    expect((await f.store.posts.get('ws-1', 'post-1'))?.status).toBe('held');
  });

  it('our token store down: the post waits (INTERNAL), the connection stays active', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    await seedPost(f);
    f.keys.down = true;
    await expect(publishPost(f.deps, first)).rejects.toBeInstanceOf(TransientPublishError);
    expect(await f.store.posts.get('ws-1', 'post-1')).toMatchObject({ status: 'scheduled', lastError: { code: 'INTERNAL' } });
    expect((await stored(f)).status).toBe('active');
  });
});
