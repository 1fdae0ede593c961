import { shardOf } from '../../shared/config/table.js';
import { withDefaults, type NotificationPreferences } from '../../shared/domain/preferences.js';
import type { OwnerStore, ScheduledRef } from '../../shared/ports/owner-store.js';
import { conditionFailed, page } from './memory-table.js';
import type { StoreData } from './store.js';

export interface StoredPreferences {
  workspaceId: string;
  userId: string;
  email: NotificationPreferences['email'];
}

/** The OwnerStore port over the fake store's data (the same posts and workspaces the Store sees). */
export class FakeOwnerStore implements OwnerStore {
  constructor(private readonly data: StoreData) {}

  async getPreferences(workspaceId: string, userId: string): Promise<NotificationPreferences> {
    return withDefaults(this.data.preferences.get(`${workspaceId}#${userId}`));
  }

  async putPreferences(workspaceId: string, userId: string, prefs: NotificationPreferences): Promise<void> {
    this.data.preferences.put(`${workspaceId}#${userId}`, { workspaceId, userId, email: prefs.email });
  }

  async setStalePosts(workspaceId: string, setting: Parameters<OwnerStore['setStalePosts']>[1]): Promise<void> {
    // attribute_exists: a workspace that is not there is a failed condition, not a new item.
    if (!this.data.workspaces.update(workspaceId, (w) => ({ ...w, stalePosts: setting }))) throw conditionFailed();
  }

  async listWorkspaceIds(shard: number, cursor?: string, limit = 100): Promise<{ items: string[]; cursor?: string }> {
    const ids = this.data.workspaces.all().map((w) => w.workspaceId).filter((id) => shardOf(id) === shard);
    return page(ids, (id) => id, cursor, limit);
  }

  async scheduledByConnection(connectionId: string, from: string, until: string, limit: number): Promise<{ items: ScheduledRef[]; more: boolean }> {
    // The index's sort key is `<publishAt>#<workspaceId>#<postId>`, compared BETWEEN from AND until as strings: [from, until).
    const sk = (r: ScheduledRef) => `${r.publishAt}#${r.workspaceId}#${r.postId}`;
    const refs = this.data.posts
      .all()
      .filter((p) => p.status === 'scheduled' && p.connectionId === connectionId)
      .map((p) => ({ workspaceId: p.workspaceId, postId: p.postId, publishAt: p.publishAt }))
      .filter((r) => sk(r) >= from && sk(r) <= until);
    const p = page(refs, sk, undefined, limit);
    return { items: p.items, more: p.cursor !== undefined };
  }

  async postsOfWorkspace(workspaceId: string) {
    return this.data.posts.all().filter((p) => p.workspaceId === workspaceId).sort((a, b) => a.postId.localeCompare(b.postId));
  }

  async discardPost(workspaceId: string, postId: string, from: Parameters<OwnerStore['discardPost']>[2]): Promise<boolean> {
    return this.data.posts.delete(`${workspaceId}#${postId}`, (p) => from.includes(p.status));
  }
}
