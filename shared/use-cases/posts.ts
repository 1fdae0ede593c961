import { DUE_SHARDS } from '../config/table.js';
import { mediaUrlProblem } from '../domain/media-url.js';
import { AUDIENCE_REQUIRED, MEDIA_REQUIRED, normalizePublishAt, publicPostStatus, type Post } from '../domain/post.js';
import { AppError, NotFoundError } from '../domain/errors.js';
import { PLATFORM_LABELS, TIKTOK_PRIVACY_LEVELS, type TikTokPrivacyLevel } from '../config/platforms.js';
import type { Actor } from '../domain/access.js';
import type { Deps } from './deps.js';

export interface PostView {
  postId: string;
  connectionId: string;
  status: ReturnType<typeof publicPostStatus>;
  attempts: number;
  publishAt: string;
  platformPostId?: string;
  lastError?: { code: string; message: string };
}

export function postView(p: Post): PostView {
  return {
    postId: p.postId,
    connectionId: p.connectionId,
    status: publicPostStatus(p.status),
    attempts: p.attempts,
    publishAt: p.publishAt,
    ...(p.platformPostId ? { platformPostId: p.platformPostId } : {}),
    ...(p.lastError ? { lastError: p.lastError } : {}),
  };
}

export async function schedulePost(
  deps: Pick<Deps, 'store' | 'clock' | 'ids' | 'config'>,
  actor: Actor,
  workspaceId: string,
  input: { connectionId: string; text: string; publishAt: string; mediaUrl?: string; tiktok?: { privacyLevel: TikTokPrivacyLevel } },
): Promise<{ postId: string; status: 'scheduled' }> {
  const publishAt = normalizePublishAt(input.publishAt, deps.clock.now());
  if (!publishAt.ok) throw new AppError('VALIDATION_FAILED', publishAt.message);
  const mediaProblem = input.mediaUrl === undefined ? undefined : mediaUrlProblem(input.mediaUrl, deps.config.mediaOrigins);
  if (mediaProblem) throw new AppError('VALIDATION_FAILED', mediaProblem);
  const connection = await deps.store.connections.get(workspaceId, input.connectionId);
  if (!connection || connection.status === 'removed') throw new NotFoundError('This connection');
  if (MEDIA_REQUIRED.includes(connection.platform) && !input.mediaUrl) {
    throw new AppError('VALIDATION_FAILED', `${PLATFORM_LABELS[connection.platform]} cannot publish text alone: add a mediaUrl (an image).`);
  }
  const needsAudience = AUDIENCE_REQUIRED.includes(connection.platform);
  if (needsAudience && !input.tiktok) {
    throw new AppError('VALIDATION_FAILED', `${PLATFORM_LABELS[connection.platform]} posts need tiktok.privacyLevel: who can see the post (one of ${TIKTOK_PRIVACY_LEVELS.join(', ')}), chosen from what the account offers.`);
  }
  const now = deps.clock.now().toISOString();
  const postId = deps.ids.newId();
  await deps.store.posts.create({
    workspaceId,
    postId,
    connectionId: input.connectionId,
    text: input.text,
    mediaUrl: input.mediaUrl,
    ...(needsAudience && input.tiktok ? { tiktok: { privacyLevel: input.tiktok.privacyLevel } } : {}),
    publishAt: publishAt.iso,
    status: 'scheduled',
    attempts: 0,
    createdAt: now,
    createdBy: actor.userId,
    version: 1,
  });
  return { postId, status: 'scheduled' };
}

export async function getPost(deps: Pick<Deps, 'store'>, workspaceId: string, postId: string): Promise<PostView> {
  const p = await deps.store.posts.get(workspaceId, postId);
  if (!p) throw new NotFoundError('This post');
  return postView(p);
}

/** A message on the `publish` queue; `attemptKey` + postId is the idempotency key. */
export interface PublishMessage {
  workspaceId: string;
  postId: string;
  /** `scheduled` for a first attempt, the restore's episode id for a retry. */
  attemptKey: string;
  retry: boolean;
}

/** Finds scheduled posts whose time has come (due index, by shard) and enqueues them for publishing. */
export async function enqueueDuePosts(deps: Pick<Deps, 'store' | 'queues' | 'clock'>): Promise<{ enqueued: number }> {
  const until = deps.clock.now().toISOString();
  let enqueued = 0;
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.posts.queryDue(shard, until, cursor);
      const messages: PublishMessage[] = page.items.map((i) => ({ ...i, attemptKey: 'scheduled', retry: false }));
      if (messages.length > 0) await deps.queues.sendBatch('publish', messages);
      enqueued += messages.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return { enqueued };
}
