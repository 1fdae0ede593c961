import { keys, prefixes } from '../../../config/table.js';
import type { Alert } from '../../../domain/alert.js';
import type { AlertRepository } from '../../../ports/store.js';
import { NEW_ITEM, defined, strip, type TableAccess } from './base.js';
import { reconcileKeys } from './reconcile.js';

export class DynamoAlerts implements AlertRepository {
  constructor(private readonly db: TableAccess) {}

  async putIfAbsent(a: Alert): Promise<boolean> {
    // Open expiry / failed-post alerts sit in the reconcile index until resolved (a lost restore leaves them open).
    const reconcile = !a.resolvedAt && a.connectionId && (a.kind === 'connection_expired' || a.kind === 'post_failed') ? reconcileKeys(a.workspaceId, a.connectionId, 'alerts', a.alertId) : {};
    return this.db.put({ ...keys.alert(a.workspaceId, a.alertId), entity: 'alert', ...defined(a), ...reconcile }, NEW_ITEM);
  }

  async list(workspaceId: string): Promise<Alert[]> {
    const items = await this.db.queryAll(keys.workspace(workspaceId).pk, prefixes.alert);
    return items.map((i) => strip<Alert>(i)!).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async resolveForConnection(workspaceId: string, connectionId: string, at: string): Promise<number> {
    const open = (await this.list(workspaceId)).filter((a) => a.connectionId === connectionId && !a.resolvedAt);
    // Each one once (resolved meanwhile by the reconciliation: left as it is); it leaves the reconcile index.
    for (const a of open) await this.db.stampOnce(keys.alert(workspaceId, a.alertId), 'resolvedAt', at, ['reconPk', 'reconSk']);
    return open.length;
  }
}
