import { TABLE, keys } from '../../../config/table.js';
import type { ReconnectLink } from '../../../domain/reconnect-link.js';
import type { ReconnectLinkRepository } from '../../../ports/store.js';
import { defined, type TableAccess } from './base.js';

export class DynamoReconnectLinks implements ReconnectLinkRepository {
  constructor(private readonly db: TableAccess) {}

  async put(link: ReconnectLink, ttlEpochSeconds: number): Promise<void> {
    await this.db.put({ ...keys.reconnectLink(link.tokenHash), entity: 'reconnectLink', ...defined(link), [TABLE.ttlAttribute]: ttlEpochSeconds });
  }

  async get(tokenHash: string): Promise<ReconnectLink | undefined> {
    const item = await this.db.get(keys.reconnectLink(tokenHash));
    if (!item) return undefined;
    const { tokenHash: h, workspaceId, connectionId, platform, createdBy, createdAt, expiresAt, usedAt } = item as unknown as ReconnectLink;
    return { tokenHash: h, workspaceId, connectionId, platform, createdBy, createdAt, expiresAt, ...(usedAt ? { usedAt } : {}) };
  }

  async current(workspaceId: string, connectionId: string): Promise<string | undefined> {
    const item = await this.db.get(keys.currentReconnectLink(workspaceId, connectionId));
    return typeof item?.tokenHash === 'string' ? item.tokenHash : undefined;
  }

  async setCurrent(workspaceId: string, connectionId: string, tokenHash: string | undefined): Promise<void> {
    // A revoke overwrites the pointer with none (a put, not a delete: the API needs no DeleteItem).
    await this.db.put(defined({ ...keys.currentReconnectLink(workspaceId, connectionId), entity: 'currentReconnectLink', tokenHash }));
  }

  async consume(tokenHash: string, at: string): Promise<boolean> {
    return this.db.stampOnce(keys.reconnectLink(tokenHash), 'usedAt', at);
  }
}
