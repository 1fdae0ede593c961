import type { Platform } from '../../../config/platforms.js';
import { TABLE, dueConnectionKeys, dueConnectionPk, dueUntilSk, keys, parseDueConnectionSk, prefixes } from '../../../config/table.js';
import type { Connection } from '../../../domain/connection.js';
import { VersionConflictError } from '../../../domain/errors.js';
import type { AccountClaim } from '../../../domain/account-claim.js';
import type { ConnectionRepository, Page } from '../../../ports/store.js';
import { NEW_ITEM, defined, isConditionFailure, strip, type Item, type TableAccess } from './base.js';

function connectionItem(c: Connection): Item {
  const item: Item = { ...keys.connection(c.workspaceId, c.connectionId), entity: 'connection', ...defined(c) };
  // Re-keyed to the current shard layout at every write (DUE_CONNECTIONS).
  if (c.nextCheckAt) Object.assign(item, dueConnectionKeys({ ...c, nextCheckAt: c.nextCheckAt }));
  return item;
}

function claimItem(claim: AccountClaim): Item {
  return { ...keys.accountClaim(claim.workspaceId, claim.platform, claim.externalAccountId), entity: 'accountClaim', ...defined({ ...claim, releasedAt: undefined }) };
}

/** A removed connection stays removed: part of the write, not just of the caller's read. */
const NOT_REMOVED = { expr: '#status <> :removed', names: { '#status': 'status' }, values: { ':removed': 'removed' } };

export class DynamoConnections implements ConnectionRepository {
  constructor(private readonly db: TableAccess) {}

  async create(c: Connection): Promise<void> {
    if (!(await this.db.put(connectionItem(c), NEW_ITEM))) throw new VersionConflictError('The connection');
  }

  async get(workspaceId: string, connectionId: string): Promise<Connection | undefined> {
    return strip<Connection>(await this.db.get(keys.connection(workspaceId, connectionId)));
  }

  async listByWorkspace(workspaceId: string): Promise<Connection[]> {
    const items = await this.db.queryAll(keys.workspace(workspaceId).pk, prefixes.connection);
    return items.map((i) => strip<Connection>(i)!);
  }

  async findByAccount(workspaceId: string, platform: Platform, externalAccountId: string): Promise<Connection[]> {
    const all = await this.listByWorkspace(workspaceId);
    return all.filter((c) => c.platform === platform && c.externalAccountId === externalAccountId);
  }

  async update(next: Connection, expectedVersion: number): Promise<Connection> {
    return this.db.putNextVersion('The connection', next, expectedVersion, connectionItem, next.status === 'removed' ? undefined : NOT_REMOVED);
  }

  async claimAccount(claim: AccountClaim): Promise<AccountClaim | undefined> {
    const key = keys.accountClaim(claim.workspaceId, claim.platform, claim.externalAccountId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.db.put(claimItem(claim), { expr: 'attribute_not_exists(#pk) OR attribute_exists(releasedAt)', names: { '#pk': TABLE.partitionKey } });
      if (claimed) return undefined;
      const holder = strip<AccountClaim>(await this.db.get(key));
      // Released (or gone) between our write and our read: try again.
      if (holder && !holder.releasedAt) return holder;
    }
    throw new VersionConflictError('The account claim');
  }

  async takeOverAccountClaim(claim: AccountClaim, from: AccountClaim): Promise<boolean> {
    return this.db.put(claimItem(claim), {
      expr: '#cid = :from AND claimedAt = :fromAt',
      names: { '#cid': 'connectionId' },
      values: { ':from': from.connectionId, ':fromAt': from.claimedAt },
    });
  }

  async releaseAccountClaim(workspaceId: string, platform: Platform, externalAccountId: string, connectionId: string, at: string): Promise<void> {
    // A failed condition: another connection holds it (or nobody), nothing of ours to free.
    await this.db.update({
      Key: keys.accountClaim(workspaceId, platform, externalAccountId),
      UpdateExpression: 'SET releasedAt = :at',
      ConditionExpression: '#cid = :id AND attribute_not_exists(releasedAt)',
      ExpressionAttributeNames: { '#cid': 'connectionId' },
      ExpressionAttributeValues: { ':id': connectionId, ':at': at },
    });
  }

  async queryDue(shard: number, until: string, cursor?: string, limit = 500): Promise<Page<{ workspaceId: string; connectionId: string }>> {
    const page = await this.db.queryIndexPage(TABLE.indexes.due, dueConnectionPk(shard), dueUntilSk(until), cursor, limit);
    return { items: page.items.map((i) => parseDueConnectionSk(String(i.dueSk))), cursor: page.cursor };
  }

  async acquireLease(workspaceId: string, connectionId: string, until: string, now: string): Promise<Connection | undefined> {
    try {
      // The lease is not a state change of the connection: it does not move the version. ALL_NEW is
      // the item as it stands under the lease (a strongly consistent answer of the write itself).
      const item = await this.db.updateItem({
        Key: keys.connection(workspaceId, connectionId),
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: 'attribute_exists(#pk) AND #status <> :removed AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#status': 'status' },
        ExpressionAttributeValues: { ':until': until, ':now': now, ':removed': 'removed' },
        ReturnValues: 'ALL_NEW',
      });
      return strip<Connection>(item);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
