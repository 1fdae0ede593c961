import { TABLE, keys, reconcilePk, shardOf } from '../../../config/table.js';
import type { ReconcileEntry, ReconcilePosition, ReconcileRepository, ReconcileSection } from '../../../ports/store.js';
import type { Item, TableAccess } from './base.js';

const SECTION_LETTER: Record<ReconcileSection, string> = { alerts: 'a', claims: 'c', failed: 'f' };
const SECTION_OF: Record<string, ReconcileSection> = { a: 'alerts', c: 'claims', f: 'failed' };

/** The reconcile index's keys of an entry (open alert, claimed or failed post), grouped by connection. */
export function reconcileKeys(workspaceId: string, connectionId: string, section: ReconcileSection, id: string): Item {
  return { reconPk: reconcilePk(shardOf(connectionId)), reconSk: `${workspaceId}#${connectionId}#${SECTION_LETTER[section]}#${id}` };
}

/** The sort key just past a position: after the entry, after its section (letter + '~'), or after the connection ('~' sorts after every id and section). */
function reconcileBound(p: ReconcilePosition): string {
  const group = `${p.workspaceId}#${p.connectionId}#`;
  if (!p.section) return `${group}~`;
  return p.id === undefined ? `${group}${SECTION_LETTER[p.section]}~` : `${group}${SECTION_LETTER[p.section]}#${p.id}`;
}

export class DynamoReconcile implements ReconcileRepository {
  constructor(private readonly db: TableAccess) {}

  async list(shard: number, after: ReconcilePosition | undefined, limit: number): Promise<ReconcileEntry[]> {
    const index = TABLE.indexes.reconcile;
    const page = await this.db.query({
      IndexName: index.name,
      KeyConditionExpression: after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(after ? { '#sk': index.sortKey } : {}) },
      ExpressionAttributeValues: { ':pk': reconcilePk(shard), ...(after ? { ':after': reconcileBound(after) } : {}) },
      Limit: limit,
    });
    return page.items.flatMap((i) => {
      const [workspaceId = '', connectionId = '', letter = '', ...rest] = String(i.reconSk).split('#');
      const section = SECTION_OF[letter];
      return section ? [{ workspaceId, connectionId, section, id: rest.join('#') }] : [];
    });
  }

  async resolveAlert(workspaceId: string, alertId: string, at: string): Promise<boolean> {
    // Resolved, it leaves the reconcile index.
    return this.db.stampOnce(keys.alert(workspaceId, alertId), 'resolvedAt', at, ['reconPk', 'reconSk']);
  }
}
