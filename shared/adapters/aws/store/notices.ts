import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, keys } from '../../../config/table.js';
import type { NoticeRepository } from '../../../ports/store.js';
import type { TableAccess } from './base.js';

export class DynamoNotices implements NoticeRepository {
  constructor(private readonly db: TableAccess) {}

  async claim(noticeId: string, now: string, leaseUntil: string, ttlEpochSeconds: number): Promise<'claimed' | 'sent' | 'busy'> {
    const claimed = await this.db.put(
      { ...keys.notice(noticeId), entity: 'notice', state: 'sending', leaseUntil, [TABLE.ttlAttribute]: ttlEpochSeconds },
      {
        expr: 'attribute_not_exists(#pk) OR (#state = :sending AND leaseUntil < :now)',
        names: { '#pk': TABLE.partitionKey, '#state': 'state' },
        values: { ':sending': 'sending', ':now': now },
      },
    );
    if (claimed) return 'claimed';
    const current = await this.db.get(keys.notice(noticeId));
    return current?.state === 'sent' ? 'sent' : 'busy';
  }

  async markSent(noticeId: string, at: string): Promise<void> {
    await this.db.updateItem({
      Key: keys.notice(noticeId),
      UpdateExpression: 'SET #state = :sent, sentAt = :at REMOVE leaseUntil',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'sent', ':at': at },
    });
  }

  async release(noticeId: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.tableName, Key: keys.notice(noticeId) }));
  }

  async state(noticeId: string): Promise<'none' | 'sending' | 'sent'> {
    const current = await this.db.get(keys.notice(noticeId));
    if (!current) return 'none';
    return current.state === 'sent' ? 'sent' : 'sending';
  }
}
