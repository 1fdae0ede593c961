import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE, keys } from '../../config/table.js';
import { stampOnce } from './stamp-once.js';
import { historyTtlEpochSeconds, type HistoryEvent } from '../../domain/history.js';
import type { ReconnectLink } from '../../domain/reconnect-link.js';
import type { HistoryRepository, ReconnectLinkRepository } from '../../ports/store.js';

function conditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');
}

function defined(obj: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export class DynamoReconnectLinks implements ReconnectLinkRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(link: ReconnectLink, ttlEpochSeconds: number): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.reconnectLink(link.tokenHash), entity: 'reconnectLink', ...defined(link), [TABLE.ttlAttribute]: ttlEpochSeconds } }));
  }

  async get(tokenHash: string): Promise<ReconnectLink | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.reconnectLink(tokenHash), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { tokenHash: h, workspaceId, connectionId, platform, createdBy, createdAt, expiresAt, usedAt } = out.Item as ReconnectLink;
    return { tokenHash: h, workspaceId, connectionId, platform, createdBy, createdAt, expiresAt, ...(usedAt ? { usedAt } : {}) };
  }

  async current(workspaceId: string, connectionId: string): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.currentReconnectLink(workspaceId, connectionId), ConsistentRead: true }));
    return typeof out.Item?.tokenHash === 'string' ? out.Item.tokenHash : undefined;
  }

  async setCurrent(workspaceId: string, connectionId: string, tokenHash: string | undefined): Promise<void> {
    // A revoke overwrites the pointer with none (a put, not a delete: the API needs no DeleteItem).
    await this.doc.send(new PutCommand({ TableName: this.table, Item: defined({ ...keys.currentReconnectLink(workspaceId, connectionId), entity: 'currentReconnectLink', tokenHash }) }));
  }

  async consume(tokenHash: string, at: string): Promise<boolean> {
    return stampOnce(this.doc, this.table, keys.reconnectLink(tokenHash), 'usedAt', at);
  }

}

export class DynamoHistory implements HistoryRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async add(workspaceId: string, connectionId: string, key: string, event: HistoryEvent): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.historyEvent(workspaceId, connectionId, key), entity: 'history', event: defined(event), [TABLE.ttlAttribute]: historyTtlEpochSeconds(event.at) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async list(workspaceId: string, connectionId: string): Promise<HistoryEvent[]> {
    const { pk } = keys.historyEvent(workspaceId, connectionId, '');
    const events: HistoryEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) events.push(item.event as HistoryEvent);
      start = page.LastEvaluatedKey;
    } while (start);
    return events;
  }
}
