import { keys, listKeys } from '../../../config/table.js';
import type { Hub } from '../../../domain/workspace.js';
import type { HubRepository } from '../../../ports/store.js';
import { defined, strip, type TableAccess } from './base.js';

export class DynamoHubs implements HubRepository {
  constructor(private readonly db: TableAccess) {}

  async create(hub: Hub, adminUserId: string): Promise<void> {
    // The admin first, so a hub never exists without one.
    await this.db.put({ ...keys.hubAdmin(hub.hubId, adminUserId), entity: 'hubAdmin', hubId: hub.hubId, userId: adminUserId, ...listKeys.administeredHub(adminUserId, hub.hubId) });
    await this.db.put({ ...keys.hub(hub.hubId), entity: 'hub', ...defined(hub) });
  }

  async get(hubId: string): Promise<Hub | undefined> {
    return strip<Hub>(await this.db.get(keys.hub(hubId)));
  }

  async isAdmin(hubId: string, userId: string): Promise<boolean> {
    return (await this.db.get(keys.hubAdmin(hubId, userId))) !== undefined;
  }
}
