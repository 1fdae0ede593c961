import type { ExpiryReason } from '../../../config/events.js';
import type { Platform } from '../../../config/platforms.js';
import { TABLE, keys } from '../../../config/table.js';
import type { ScanRunRepository, ScanRunStats } from '../../../ports/store.js';
import type { Item, TableAccess } from './base.js';

/** Counters live as flat attributes (`c_<name>`) so ADD works on a missing one. */
export function countsOf(item: Item): Record<string, number> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => k.startsWith('c_')).map(([k, v]) => [k.slice(2), Number(v)]));
}

export class DynamoScanRuns implements ScanRunRepository {
  constructor(private readonly db: TableAccess) {}

  async start(runId: string, startedAt: string, ttlEpochSeconds: number): Promise<void> {
    await this.db.put({ ...keys.scanRun(runId), entity: 'scanRun', runId, startedAt, enqueued: 0, itemsRead: 0, counts: {}, [TABLE.ttlAttribute]: ttlEpochSeconds });
  }

  async addEnqueued(runId: string, enqueued: number, itemsRead: number): Promise<void> {
    await this.db.updateItem({ Key: keys.scanRun(runId), UpdateExpression: 'ADD enqueued :e, itemsRead :r', ExpressionAttributeValues: { ':e': enqueued, ':r': itemsRead } });
  }

  async addCounts(runId: string, increments: Record<string, number>): Promise<Record<string, number>> {
    const added = Object.entries(increments).filter(([, n]) => n !== 0);
    if (added.length === 0) return (await this.get(runId))?.counts ?? {};
    // One write for a whole message's outcomes: the counters are separate attributes, so ADD adds to each.
    const after = await this.db.updateItem({
      Key: keys.scanRun(runId),
      UpdateExpression: `ADD ${added.map((_, i) => `#c${i} :n${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(added.map(([name], i) => [`#c${i}`, `c_${name}`])),
      ExpressionAttributeValues: Object.fromEntries(added.map(([, n], i) => [`:n${i}`, n])),
      ReturnValues: 'ALL_NEW',
    });
    return countsOf(after ?? {});
  }

  async countPermanent(runId: string, platform: Platform, reason: ExpiryReason): Promise<Record<string, number>> {
    return this.addCounts(runId, { [`permanent:${platform}:${reason}`]: 1 });
  }

  async get(runId: string): Promise<ScanRunStats | undefined> {
    const item = await this.db.get(keys.scanRun(runId));
    if (!item) return undefined;
    return { runId, startedAt: String(item.startedAt), enqueued: Number(item.enqueued ?? 0), itemsRead: Number(item.itemsRead ?? 0), counts: countsOf(item) };
  }
}
