import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE, keys, prefixes, scheduledPostsPk, workspaceRosterPk } from '../../config/table.js';
import type { StalePostsSetting } from '../../domain/late-posts.js';
import type { Post, PostStatus } from '../../domain/post.js';
import { withDefaults, type NotificationPreferences } from '../../domain/preferences.js';
import type { OwnerStore, ScheduledRef } from '../../ports/owner-store.js';
import type { Page } from '../../ports/store.js';

const INDEX_ATTRS = [TABLE.partitionKey, TABLE.sortKey, 'entity', 'duePk', 'dueSk', 'failedPk', 'failedSk', 'reconPk', 'reconSk', 'schedPk', 'schedSk', TABLE.ttlAttribute];

/** The `lists` index attributes a post item carries: only while it is scheduled (the index stays sparse). */
export function scheduledListKeys(p: Pick<Post, 'status' | 'connectionId' | 'publishAt' | 'workspaceId' | 'postId'>): Record<string, string> {
  if (p.status !== 'scheduled') return {};
  return { [TABLE.indexes.scheduled.partitionKey]: scheduledPostsPk(p.connectionId), [TABLE.indexes.scheduled.sortKey]: `${p.publishAt}#${p.workspaceId}#${p.postId}` };
}

/** The `lists` index attributes of a workspace's META item: the digest's roster. */
export function workspaceListKeys(workspaceId: string, shard: number): Record<string, string> {
  return { [TABLE.indexes.scheduled.partitionKey]: workspaceRosterPk(shard), [TABLE.indexes.scheduled.sortKey]: workspaceId };
}

function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
}

export class DynamoOwnerStore implements OwnerStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getPreferences(workspaceId: string, userId: string): Promise<NotificationPreferences> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.preferences(workspaceId, userId), ConsistentRead: true }));
    return withDefaults(out.Item as { email?: Record<string, unknown> } | undefined);
  }

  async putPreferences(workspaceId: string, userId: string, prefs: NotificationPreferences): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.preferences(workspaceId, userId), entity: 'preferences', workspaceId, userId, email: prefs.email } }));
  }

  async setStalePosts(workspaceId: string, setting: StalePostsSetting | undefined): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.workspace(workspaceId),
        UpdateExpression: setting === undefined ? 'REMOVE stalePosts' : 'SET stalePosts = :s',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ...(setting === undefined ? {} : { ExpressionAttributeValues: { ':s': { policy: setting.policy, afterHours: setting.afterHours } } }),
      }),
    );
  }

  async listWorkspaceIds(shard: number, cursor?: string, limit = 100): Promise<Page<string>> {
    const index = TABLE.indexes.scheduled;
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': workspaceRosterPk(shard) },
        ExclusiveStartKey: decodeCursor(cursor),
        Limit: limit,
      }),
    );
    return { items: (out.Items ?? []).map((i) => String(i[index.sortKey])), cursor: encodeCursor(out.LastEvaluatedKey) };
  }

  async scheduledByConnection(connectionId: string, from: string, until: string, limit: number): Promise<{ items: ScheduledRef[]; more: boolean }> {
    const index = TABLE.indexes.scheduled;
    // The sort key leads with the ISO instant: `<from>` .. `<until>` is [from, until) for every post id.
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :until',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': scheduledPostsPk(connectionId), ':from': from, ':until': until },
        Limit: limit,
      }),
    );
    const items = (out.Items ?? []).map((i) => {
      const [publishAt = '', workspaceId = '', postId = ''] = String(i[index.sortKey]).split('#');
      return { publishAt, workspaceId, postId };
    });
    return { items, more: out.LastEvaluatedKey !== undefined };
  }

  async postsOfWorkspace(workspaceId: string): Promise<Post[]> {
    const posts: Post[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
          ExpressionAttributeValues: { ':pk': keys.workspace(workspaceId).pk, ':prefix': prefixes.post },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const copy: Record<string, unknown> = { ...item };
        for (const k of INDEX_ATTRS) delete copy[k];
        posts.push(copy as unknown as Post);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return posts;
  }

  async discardPost(workspaceId: string, postId: string, from: readonly PostStatus[]): Promise<boolean> {
    const values: Record<string, string> = {};
    from.forEach((s, i) => (values[`:s${i}`] = s));
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.post(workspaceId, postId),
          ConditionExpression: `#status IN (${from.map((_, i) => `:s${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }
}
