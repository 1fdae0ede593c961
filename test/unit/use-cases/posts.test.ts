import { describe, expect, it } from 'vitest';
import { enqueueDuePosts, getPost, schedulePost, type PublishMessage } from '../../../shared/use-cases/posts.js';
import { fakeDeps } from '../../fakes/deps.js';
import { OWNER, seedConnection, seedPost } from './seed.js';

describe('scheduling posts', () => {
  it('a scheduled post is stored in UTC and shows as scheduled', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    const { postId } = await schedulePost(f.deps, OWNER, 'ws-1', { connectionId: 'conn-1', text: 'hi', publishAt: '2026-06-02T10:00:00+02:00' });
    expect(await getPost(f.deps, 'ws-1', postId)).toEqual({ postId, connectionId: 'conn-1', status: 'scheduled', attempts: 0, publishAt: '2026-06-02T08:00:00.000Z' });
  });

  it('refuses what the platform cannot publish: Instagram without media, TikTok without an audience', async () => {
    const f = fakeDeps();
    await seedConnection(f, { connectionId: 'ig', platform: 'instagram' });
    await seedConnection(f, { connectionId: 'tt', platform: 'tiktok' });
    const at = '2026-06-02T08:00:00Z';
    await expect(schedulePost(f.deps, OWNER, 'ws-1', { connectionId: 'ig', text: 'x', publishAt: at })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/Instagram.*mediaUrl/) });
    await expect(schedulePost(f.deps, OWNER, 'ws-1', { connectionId: 'tt', text: 'x', publishAt: at, mediaUrl: 'https://cdn.example.com/a.mp4' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/privacyLevel/) });
  });

  it('refuses a date that does not exist or is years ahead, and a removed connection', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    await seedConnection(f, { connectionId: 'gone', status: 'removed' });
    await expect(schedulePost(f.deps, OWNER, 'ws-1', { connectionId: 'conn-1', text: 'x', publishAt: '2026-02-30T10:00:00Z' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(schedulePost(f.deps, OWNER, 'ws-1', { connectionId: 'conn-1', text: 'x', publishAt: '9999-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(schedulePost(f.deps, OWNER, 'ws-1', { connectionId: 'gone', text: 'x', publishAt: '2026-06-02T08:00:00Z' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('publish-due enqueues exactly the scheduled posts whose time has come', async () => {
    const f = fakeDeps();
    await seedPost(f, { postId: 'due', publishAt: '2026-06-01T08:59:00.000Z' });
    await seedPost(f, { postId: 'now', publishAt: '2026-06-01T09:00:00.000Z' });
    await seedPost(f, { postId: 'later', publishAt: '2026-06-01T09:01:00.000Z' });
    await seedPost(f, { postId: 'failed', publishAt: '2026-06-01T08:00:00.000Z', status: 'failed' });
    expect(await enqueueDuePosts(f.deps)).toEqual({ enqueued: 2 });
    expect(f.queues.on<PublishMessage>('publish').map((m) => [m.postId, m.attemptKey, m.retry]).sort()).toEqual([
      ['due', 'scheduled', false],
      ['now', 'scheduled', false],
    ]);
  });

  it('an unknown post is NOT_FOUND', async () => {
    const f = fakeDeps();
    await expect(getPost(f.deps, 'ws-1', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
