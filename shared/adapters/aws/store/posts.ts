import { TABLE, duePostKeys, duePostPk, dueUntilSk, failedPostsPk, keys, listKeys } from '../../../config/table.js';
import { VersionConflictError } from '../../../domain/errors.js';
import { publishDueAt, type Post, type PostStatus } from '../../../domain/post.js';
import type { Page, PostRepository } from '../../../ports/store.js';
import { NEW_ITEM, defined, strip, type Item, type TableAccess } from './base.js';
import { scheduledListKeys } from './owners.js';
import { reconcileKeys } from './reconcile.js';

/** A post with the sparse index keys its status calls for (due, failed, reconcile, lists). */
function postItem(p: Post): Item {
  const item: Item = { ...keys.post(p.workspaceId, p.postId), entity: 'post', ...defined(p), ...listKeys.post(p.workspaceId, p.publishAt, p.postId), ...scheduledListKeys(p) };
  // A post deferred by a rate limit is due again at its retryAt, not at its publishAt.
  if (p.status === 'scheduled') Object.assign(item, duePostKeys({ ...p, publishAt: publishDueAt(p) }));
  if (p.status === 'failed') {
    item.failedPk = failedPostsPk(p.connectionId);
    item.failedSk = `${p.failedAt ?? p.publishAt}#${p.workspaceId}#${p.postId}`;
  }
  if (p.status === 'failed' || p.status === 'publishing') {
    Object.assign(item, reconcileKeys(p.workspaceId, p.connectionId, p.status === 'failed' ? 'failed' : 'claims', p.postId));
  }
  return item;
}

function idsFromSk(sk: unknown): { workspaceId: string; postId: string } {
  const [, workspaceId = '', postId = ''] = String(sk).split('#');
  return { workspaceId, postId };
}

export class DynamoPosts implements PostRepository {
  constructor(private readonly db: TableAccess) {}

  async create(p: Post): Promise<void> {
    if (!(await this.db.put(postItem(p), NEW_ITEM))) throw new VersionConflictError('The post');
  }

  async get(workspaceId: string, postId: string): Promise<Post | undefined> {
    return strip<Post>(await this.db.get(keys.post(workspaceId, postId)));
  }

  async update(next: Post, expectedVersion: number): Promise<Post> {
    return this.db.putNextVersion('The post', next, expectedVersion, postItem);
  }

  async transition(next: Post, from: readonly PostStatus[], expectedVersion: number): Promise<Post> {
    const values = Object.fromEntries(from.map((s, i) => [`:s${i}`, s]));
    return this.db.putNextVersion('The post', next, expectedVersion, postItem, {
      expr: `#status IN (${Object.keys(values).join(', ')})`,
      names: { '#status': 'status' },
      values,
    });
  }

  async listFailedByConnection(connectionId: string, cursor?: string, limit = 100): Promise<Page<{ workspaceId: string; postId: string }>> {
    const page = await this.db.queryIndexPage(TABLE.indexes.failedPosts, failedPostsPk(connectionId), undefined, cursor, limit);
    return { items: page.items.map((i) => idsFromSk(i.failedSk)), cursor: page.cursor };
  }

  async queryDue(shard: number, until: string, cursor?: string, limit = 500): Promise<Page<{ workspaceId: string; postId: string }>> {
    const page = await this.db.queryIndexPage(TABLE.indexes.due, duePostPk(shard), dueUntilSk(until), cursor, limit);
    return { items: page.items.map((i) => idsFromSk(i.dueSk)), cursor: page.cursor };
  }
}
