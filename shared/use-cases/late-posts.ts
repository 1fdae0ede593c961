import { DEFAULT_STALE_AFTER_HOURS, type StalePostPolicy, type StalePostsSetting } from '../domain/late-posts.js';
import { AppError, NotFoundError, VersionConflictError } from '../domain/errors.js';
import type { Post, PostStatus } from '../domain/post.js';
import type { Deps } from './deps.js';
import type { PublishMessage } from './posts.js';

export interface WorkspaceSettingsInput {
  /** null clears it; absent leaves it as it is. */
  skipRetriesOlderThanHours?: number | null;
  /** null clears it (retry every late post); absent leaves it as it is. */
  stalePosts?: { policy: StalePostPolicy; afterHours?: number } | null;
}

/** The settings a `PUT` named, as stored. */
export interface WorkspaceSettingsView {
  skipRetriesOlderThanHours?: number | null;
  stalePosts?: StalePostsSetting;
}

/** `PUT /workspaces/{ws}/settings`: the late-post options; answers what is stored. */
export async function updateWorkspaceSettings(deps: Pick<Deps, 'store'>, workspaceId: string, input: WorkspaceSettingsInput): Promise<WorkspaceSettingsView> {
  if (input.skipRetriesOlderThanHours !== undefined) {
    await deps.store.workspaces.setSkipRetriesOlderThanHours(workspaceId, input.skipRetriesOlderThanHours ?? undefined);
  }
  if (input.stalePosts !== undefined) {
    const s = input.stalePosts;
    await deps.store.owners.setStalePosts(workspaceId, s === null ? undefined : { policy: s.policy, afterHours: s.afterHours ?? DEFAULT_STALE_AFTER_HOURS });
  }
  const ws = await deps.store.workspaces.get(workspaceId);
  // Echoes the settings the request named (as stored), as `PUT .../settings` always has.
  return {
    ...(input.skipRetriesOlderThanHours !== undefined ? { skipRetriesOlderThanHours: ws?.skipRetriesOlderThanHours ?? null } : {}),
    ...(input.stalePosts !== undefined ? { stalePosts: ws?.stalePosts ?? { policy: 'retry', afterHours: DEFAULT_STALE_AFTER_HOURS } } : {}),
  };
}

/** Statuses the owner may publish now: kept for them (`held`) or given up on (`failed_permanent`). */
const RELEASABLE: readonly PostStatus[] = ['held', 'failed_permanent'];

/**
 * `POST .../posts/{id}/publish-now`: the post goes back to `scheduled` (marked released by its owner,
 * so no late-post policy stops it again) and onto the publish queue like a retry, keyed by the post's
 * new version; the publisher's idempotency and conditional claim publish it once even if publish-due
 * sees it too.
 */
export async function publishNow(deps: Pick<Deps, 'store' | 'queues' | 'clock'>, workspaceId: string, postId: string): Promise<{ postId: string; status: 'scheduled' }> {
  const post = await deps.store.posts.get(workspaceId, postId);
  if (!post) throw new NotFoundError('This post');
  if (!RELEASABLE.includes(post.status)) throw new AppError('CONFLICT', notReleasableMessage(post));
  const connection = await deps.store.connections.get(workspaceId, post.connectionId);
  if (!connection || connection.status === 'removed' || connection.status === 'expired') {
    throw new AppError('CONNECTION_NOT_ACTIVE', "This post's account is disconnected. Reconnect it in Connected Accounts, then publish the post.");
  }
  const next: Post = { ...post, status: 'scheduled', lastError: undefined, claimUntil: undefined, releasedByOwnerAt: deps.clock.now().toISOString() };
  let released: Post;
  try {
    released = await deps.store.posts.transition(next, RELEASABLE, post.version);
  } catch (error) {
    if (error instanceof VersionConflictError) throw new AppError('CONFLICT', 'This post changed at the same moment (it may be publishing already). Reload and look again.');
    throw error;
  }
  const message: PublishMessage = { workspaceId, postId, attemptKey: `publish-now.v${released.version}`, retry: true };
  await deps.queues.sendBatch('publish', [message]);
  return { postId, status: 'scheduled' };
}

function notReleasableMessage(p: Post): string {
  if (p.status === 'published') return 'This post is already published.';
  if (p.status === 'failed') return 'This post is waiting for its account to be reconnected; it publishes automatically then.';
  return 'This post is scheduled and publishes at its time.';
}

/** Statuses a post may be discarded in: not yet out, not being published this instant. */
const DISCARDABLE: readonly PostStatus[] = ['scheduled', 'held', 'failed', 'failed_permanent'];

/** `DELETE .../posts/{id}`: a scheduled, held or failed post is gone; a published (or publishing) one stays. */
export async function discardPost(deps: Pick<Deps, 'store'>, workspaceId: string, postId: string): Promise<void> {
  const post = await deps.store.posts.get(workspaceId, postId);
  if (!post) throw new NotFoundError('This post');
  if (!DISCARDABLE.includes(post.status) || !(await deps.store.owners.discardPost(workspaceId, postId, DISCARDABLE))) {
    const now = await deps.store.posts.get(workspaceId, postId);
    if (!now) return;
    throw new AppError(
      'CONFLICT',
      now.status === 'published'
        ? 'This post is already published: it cannot be discarded here. Delete it on the platform itself if needed.'
        : 'This post is being published right now. Reload in a moment to see how it went.',
    );
  }
}
