import type { Platform } from '../../../config/platforms.js';
import { keys } from '../../../config/table.js';
import type { Connection } from '../../../domain/connection.js';
import type { PlatformHealth } from '../../../domain/platform-status.js';
import type { CheckMessageInputs, CheckReadRepository } from '../../../ports/store.js';
import { countsOf } from './scan-runs.js';
import { BATCH_GET_MAX_KEYS, strip, type Item, type TableAccess } from './base.js';

/**
 * An expiry-check message's reads in one BatchGetItem: its connections, its run's counters and the
 * platforms' health items (a message of more than BATCH_GET_MAX_KEYS keys takes one more per 100).
 */
export class DynamoCheckReads implements CheckReadRepository {
  constructor(private readonly db: TableAccess) {}

  async read(runId: string, refs: readonly { workspaceId: string; connectionId: string }[], platforms: readonly Platform[]): Promise<CheckMessageInputs> {
    const shared = [keys.scanRun(runId), ...platforms.map((p) => keys.platformHealth(p))];
    const wanted: Item[] = [...shared, ...refs.map((r) => keys.connection(r.workspaceId, r.connectionId))];
    const items: (Item | undefined)[] = [];
    for (let i = 0; i < wanted.length; i += BATCH_GET_MAX_KEYS) items.push(...(await this.db.getMany(wanted.slice(i, i + BATCH_GET_MAX_KEYS))));
    const [run, ...rest] = items;
    return {
      counts: countsOf(run ?? {}),
      health: new Map(platforms.map((p, i) => [p, strip<PlatformHealth>(rest[i])])),
      connections: rest.slice(platforms.length).map((item) => strip<Connection>(item)),
    };
  }
}
