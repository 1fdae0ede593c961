import { TABLE, keys } from '../../../config/table.js';
import { historyTtlEpochSeconds, type HistoryEvent } from '../../../domain/history.js';
import type { HistoryRepository } from '../../../ports/store.js';
import { NEW_ITEM, defined, type TableAccess } from './base.js';

export class DynamoHistory implements HistoryRepository {
  constructor(private readonly db: TableAccess) {}

  async add(workspaceId: string, connectionId: string, key: string, event: HistoryEvent): Promise<boolean> {
    return this.db.put(
      { ...keys.historyEvent(workspaceId, connectionId, key), entity: 'history', event: defined(event), [TABLE.ttlAttribute]: historyTtlEpochSeconds(event.at) },
      NEW_ITEM,
    );
  }

  async list(workspaceId: string, connectionId: string): Promise<HistoryEvent[]> {
    const { pk } = keys.historyEvent(workspaceId, connectionId, '');
    const items = await this.db.queryEvery({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
    return items.map((item) => item.event as HistoryEvent);
  }
}
