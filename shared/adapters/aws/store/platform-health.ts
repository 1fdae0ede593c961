import type { Platform } from '../../../config/platforms.js';
import { keys } from '../../../config/table.js';
import type { PlatformHealth } from '../../../domain/platform-status.js';
import type { PlatformHealthRepository } from '../../../ports/store.js';
import { defined, strip, type TableAccess } from './base.js';

export class DynamoPlatformHealth implements PlatformHealthRepository {
  constructor(private readonly db: TableAccess) {}

  async get(platform: Platform): Promise<PlatformHealth | undefined> {
    return strip<PlatformHealth>(await this.db.get(keys.platformHealth(platform)));
  }

  async put(h: PlatformHealth): Promise<void> {
    await this.db.put({ ...keys.platformHealth(h.platform), entity: 'platformHealth', ...defined(h) });
  }
}
