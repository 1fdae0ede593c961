import type { StalePostsSetting } from '../domain/late-posts.js';
import type { Post, PostStatus } from '../domain/post.js';
import type { NotificationPreferences } from '../domain/preferences.js';
import type { Page } from './store.js';

/** A scheduled post as the per-connection list of the `lists` index has it (keys only). */
export interface ScheduledRef {
  workspaceId: string;
  postId: string;
  publishAt: string;
}

/**
 * What owners see ahead of time: their email preferences, the workspace's late-post setting, the
 * posts a connection has coming, the workspaces the weekly digest visits, and discarding a post.
 */
export interface OwnerStore {
  /** Defaults (every email on) when the owner never saved any. */
  getPreferences(workspaceId: string, userId: string): Promise<NotificationPreferences>;
  putPreferences(workspaceId: string, userId: string, prefs: NotificationPreferences): Promise<void>;
  /** undefined clears it (retry every late post: the default). */
  setStalePosts(workspaceId: string, setting: StalePostsSetting | undefined): Promise<void>;
  /** One page of workspace ids of one shard of the `lists` index (the digest's roster; no Scan). */
  listWorkspaceIds(shard: number, cursor?: string, limit?: number): Promise<Page<string>>;
  /** Scheduled posts of the connection due in [from, until), earliest first, at most `limit` (one Query). */
  scheduledByConnection(connectionId: string, from: string, until: string, limit: number): Promise<{ items: ScheduledRef[]; more: boolean }>;
  /** Every post of the workspace (one partition, Query pages): the digest's week. */
  postsOfWorkspace(workspaceId: string): Promise<Post[]>;
  /** Deletes the post if its status is one of `from`; false when it is not (or is gone). */
  discardPost(workspaceId: string, postId: string, from: readonly PostStatus[]): Promise<boolean>;
}
