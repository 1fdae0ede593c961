import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, keys, prefixes, scheduledPostsPk, workspaceRosterPk } from '../../../config/table.js';
import type { StalePostsSetting } from '../../../domain/late-posts.js';
import type { Post, PostStatus } from '../../../domain/post.js';
import { withDefaults, type NotificationPreferences } from '../../../domain/preferences.js';
import type { OwnerStore, ScheduledRef } from '../../../ports/owner-store.js';
import type { Page } from '../../../ports/store.js';
import { decodeCursor, encodeCursor, isConditionFailure, strip, type TableAccess } from './base.js';

/** The `scheduled` index attributes a post item carries: only while it is scheduled (the index stays sparse). */
export function scheduledListKeys(p: Pick<Post, 'status' | 'connectionId' | 'publishAt' | 'workspaceId' | 'postId'>): Record<string, string> {
  if (p.status !== 'scheduled') return {};
  return { [TABLE.indexes.scheduled.partitionKey]: scheduledPostsPk(p.connectionId), [TABLE.indexes.scheduled.sortKey]: `${p.publishAt}#${p.workspaceId}#${p.postId}` };
}

/** The `scheduled` index attributes of a workspace's META item: the digest's roster. */
export function workspaceListKeys(workspaceId: string, shard: number): Record<string, string> {
  return { [TABLE.indexes.scheduled.partitionKey]: workspaceRosterPk(shard), [TABLE.indexes.scheduled.sortKey]: workspaceId };
}

export class DynamoOwnerStore implements OwnerStore {
  constructor(private readonly db: TableAccess) {}

  async getPreferences(workspaceId: string, userId: string): Promise<NotificationPreferences> {
    return withDefaults((await this.db.get(keys.preferences(workspaceId, userId))) as { email?: Record<string, unknown> } | undefined);
  }

  async putPreferences(workspaceId: string, userId: string, prefs: NotificationPreferences): Promise<void> {
    await this.db.put({ ...keys.preferences(workspaceId, userId), entity: 'preferences', workspaceId, userId, email: prefs.email });
  }

  async setStalePosts(workspaceId: string, setting: StalePostsSetting | undefined): Promise<void> {
    await this.db.updateItem({
      Key: keys.workspace(workspaceId),
      UpdateExpression: setting === undefined ? 'REMOVE stalePosts' : 'SET stalePosts = :s',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ...(setting === undefined ? {} : { ExpressionAttributeValues: { ':s': { policy: setting.policy, afterHours: setting.afterHours } } }),
    });
  }

  async listWorkspaceIds(shard: number, cursor?: string, limit = 100): Promise<Page<string>> {
    const index = TABLE.indexes.scheduled;
    const page = await this.db.query({
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: { ':pk': workspaceRosterPk(shard) },
      ExclusiveStartKey: decodeCursor(cursor),
      Limit: limit,
    });
    return { items: page.items.map((i) => String(i[index.sortKey])), cursor: encodeCursor(page.lastKey) };
  }

  async scheduledByConnection(connectionId: string, from: string, until: string, limit: number): Promise<{ items: ScheduledRef[]; more: boolean }> {
    const index = TABLE.indexes.scheduled;
    // The sort key leads with the ISO instant: `<from>` .. `<until>` is [from, until) for every post id.
    const page = await this.db.query({
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :until',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': scheduledPostsPk(connectionId), ':from': from, ':until': until },
      Limit: limit,
    });
    const items = page.items.map((i) => {
      const [publishAt = '', workspaceId = '', postId = ''] = String(i[index.sortKey]).split('#');
      return { publishAt, workspaceId, postId };
    });
    return { items, more: page.lastKey !== undefined };
  }

  async postsOfWorkspace(workspaceId: string): Promise<Post[]> {
    const items = await this.db.queryEvery({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': keys.workspace(workspaceId).pk, ':prefix': prefixes.post },
    });
    return items.map((i) => strip<Post>(i)!);
  }

  async discardPost(workspaceId: string, postId: string, from: readonly PostStatus[]): Promise<boolean> {
    const values = Object.fromEntries(from.map((s, i) => [`:s${i}`, s]));
    try {
      await this.db.doc.send(
        new DeleteCommand({
          TableName: this.db.tableName,
          Key: keys.post(workspaceId, postId),
          ConditionExpression: `#status IN (${Object.keys(values).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
