import { TABLE, keys, listKeys } from '../../../config/table.js';
import type { Post } from '../../../domain/post.js';
import type { Hub, Workspace } from '../../../domain/workspace.js';
import type { ListRepository, PostListQuery, PostPosition } from '../../../ports/store.js';
import { strip, type Item, type TableAccess } from './base.js';

/** `<publishAt>#<postId>`: an ISO instant has no '#'. */
function splitOnce(sk: string): [string, string] {
  const at = sk.indexOf('#');
  return at < 0 ? [sk, ''] : [sk.slice(0, at), sk.slice(at + 1)];
}

/** The dashboard's lists: Queries on the `lists` index (eventually consistent, like every GSI read). */
export class DynamoLists implements ListRepository {
  constructor(private readonly db: TableAccess) {}

  /** Every entry of one list partition whose sort key starts with `prefix`. */
  private async all(pk: string, prefix: string): Promise<Item[]> {
    const index = TABLE.indexes.lists;
    return this.db.queryEvery({
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    });
  }

  /** The workspaces themselves (the name has one home: the workspace item); ones gone since are left out. */
  private async workspacesById(ids: string[]): Promise<Workspace[]> {
    const found = await Promise.all(ids.map(async (id) => strip<Workspace>(await this.db.get(keys.workspace(id)))));
    return found.filter((w): w is Workspace => w !== undefined);
  }

  async workspacesOwnedBy(userId: string): Promise<Workspace[]> {
    const members = await this.all(listKeys.userPk(userId), listKeys.workspacePrefix);
    const owned = await this.workspacesById(members.map((m) => String(m.workspaceId)));
    return owned.filter((w) => w.ownerUserId === userId);
  }

  async hubsAdministeredBy(userId: string): Promise<Hub[]> {
    const admins = await this.all(listKeys.userPk(userId), listKeys.hubPrefix);
    const hubs = await Promise.all(admins.map(async (a) => strip<Hub>(await this.db.get(keys.hub(String(a.hubId))))));
    return hubs.filter((h): h is Hub => h !== undefined);
  }

  async workspacesInHub(hubId: string): Promise<Workspace[]> {
    const items = await this.all(listKeys.hubWorkspacesPk(hubId), listKeys.workspacePrefix);
    // The index item is the workspace item itself; the hubId check drops an entry read mid-move.
    return items.map((i) => strip<Workspace>(i)!).filter((w) => w.hubId === hubId);
  }

  async posts(workspaceId: string, q: PostListQuery): Promise<{ posts: Post[]; next?: PostPosition }> {
    const index = TABLE.indexes.lists;
    const filters: string[] = [];
    const names: Record<string, string> = { '#pk': index.partitionKey };
    const values: Record<string, unknown> = { ':pk': listKeys.postsPk(workspaceId) };
    if (q.statuses) {
      names['#status'] = 'status';
      q.statuses.forEach((s, i) => (values[`:s${i}`] = s));
      filters.push(`#status IN (${q.statuses.map((_, i) => `:s${i}`).join(', ')})`);
    }
    if (q.connectionId !== undefined) {
      names['#conn'] = 'connectionId';
      values[':conn'] = q.connectionId;
      filters.push('#conn = :conn');
    }
    let start: Record<string, unknown> | undefined = q.after
      ? { ...keys.post(workspaceId, q.after.postId), ...listKeys.post(workspaceId, q.after.publishAt, q.after.postId) }
      : undefined;
    const posts: Post[] = [];
    // A filter applies after the read: read on (a bounded number of pages) until the page is full.
    for (let round = 0; round < 10 && posts.length < q.limit; round++) {
      const page = await this.db.query({
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
        ScanIndexForward: false,
        Limit: q.limit - posts.length,
      });
      posts.push(...page.items.map((i) => strip<Post>(i)!));
      start = page.lastKey;
      if (!start) break;
    }
    if (!start) return { posts };
    const [publishAt = '', postId = ''] = splitOnce(String(start[index.sortKey]));
    return { posts, next: { publishAt, postId } };
  }
}
