import type { ExpiryReason } from '../../config/events.js';
import { stampOnce } from './stamp-once.js';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Platform } from '../../config/platforms.js';
import {
  TABLE,
  dueConnectionKeys,
  dueConnectionPk,
  duePostKeys,
  duePostPk,
  dueUntilSk,
  parseDueConnectionSk,
  failedPostsPk,
  keys,
  listKeys,
  prefixes,
  reconcilePk,
  shardOf,
} from '../../config/table.js';
import type { Alert } from '../../domain/alert.js';
import type { Connection } from '../../domain/connection.js';
import { VersionConflictError } from '../../domain/errors.js';
import type { OAuthState } from '../../domain/oauth-state.js';
import { publishDueAt, type Post, type PostStatus } from '../../domain/post.js';
import type {
  AccountClaim,
  AlertRepository,
  ConnectionRepository,
  Hub,
  HubRepository,
  ListRepository,
  Member,
  NoticeRepository,
  OAuthStateRepository,
  Page,
  PlatformHealth,
  PlatformHealthRepository,
  PostListQuery,
  PostPosition,
  PostRepository,
  ReconcileEntry,
  ReconcilePosition,
  ReconcileRepository,
  ReconcileSection,
  CheckOutcome,
  ScanRunRepository,
  ScanRunStats,
  Store,
  Workspace,
  WorkspaceRepository,
  HistoryRepository,
  ReconnectLinkRepository,
} from '../../ports/store.js';
import { DynamoHistory, DynamoReconnectLinks } from './dynamo-links-history.js';
import { DynamoRateBudgets, DynamoScanClaims } from './due-index.js';

import { DynamoOwnerStore, scheduledListKeys, workspaceListKeys } from './dynamo-owner-store.js';
import type { OwnerStore } from '../../ports/owner-store.js';

type Item = Record<string, unknown>;
const KEY_ATTRS = [TABLE.partitionKey, TABLE.sortKey, 'entity', 'duePk', 'dueSk', 'failedPk', 'failedSk', 'reconPk', 'reconSk', 'listPk', 'listSk', TABLE.ttlAttribute];
// The `scheduled` index (owners ahead: shared/adapters/aws/dynamo-owner-store.ts).
KEY_ATTRS.push(TABLE.indexes.scheduled.partitionKey, TABLE.indexes.scheduled.sortKey);

function strip<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  const copy: Item = { ...item };
  for (const k of KEY_ATTRS) delete copy[k];
  return copy as T;
}

function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');
}

/** Removes undefined fields (DocumentClient would refuse them) from a plain object. */
function defined(obj: object): Item {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export class DynamoStore implements Store {
  readonly workspaces: WorkspaceRepository;
  readonly hubs: HubRepository;
  readonly connections: ConnectionRepository;
  readonly posts: PostRepository;
  readonly alerts: AlertRepository;
  readonly oauthStates: OAuthStateRepository;
  readonly notices: NoticeRepository;
  readonly platformHealth: PlatformHealthRepository;
  readonly scanRuns: ScanRunRepository;
  readonly reconcile: ReconcileRepository;
  readonly lists: ListRepository;
  readonly reconnectLinks: ReconnectLinkRepository;
  readonly history: HistoryRepository;
  readonly owners: OwnerStore;
  readonly scanClaims: DynamoScanClaims;
  readonly rateBudgets: DynamoRateBudgets;

  constructor(client: DynamoDBClient, tableName: string) {
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const db = new TableAccess(doc, tableName);
    this.workspaces = new DynamoWorkspaces(db);
    this.hubs = new DynamoHubs(db);
    this.connections = new DynamoConnections(db);
    this.posts = new DynamoPosts(db);
    this.alerts = new DynamoAlerts(db);
    this.oauthStates = new DynamoOAuthStates(db);
    this.notices = new DynamoNotices(db);
    this.platformHealth = new DynamoPlatformHealth(db);
    this.scanRuns = new DynamoScanRuns(db);
    this.reconcile = new DynamoReconcile(db);
    this.lists = new DynamoLists(db);
    this.reconnectLinks = new DynamoReconnectLinks(doc, tableName);
    this.history = new DynamoHistory(doc, tableName);
    this.owners = new DynamoOwnerStore(doc, tableName);
    this.scanClaims = new DynamoScanClaims(doc, tableName);
    this.rateBudgets = new DynamoRateBudgets(doc, tableName);
  }
}

/** Thin helper over the document client; every repository goes through it. */
class TableAccess {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(key: Item, consistent = true): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: consistent }));
    return out.Item;
  }

  /** Put with an optional condition; false when the condition failed. */
  async put(item: Item, condition?: Pick<QueryCommandInput, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> & { expr: string }): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(condition
            ? {
                ConditionExpression: condition.expr,
                ExpressionAttributeNames: condition.ExpressionAttributeNames,
                ExpressionAttributeValues: condition.ExpressionAttributeValues,
              }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Item[]; lastKey?: Record<string, unknown> }> {
    const out = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...input }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  }

  /** All items of one partition with a sort-key prefix (follows pagination). */
  async queryAll(pk: string, skPrefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.query({
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      });
      items.push(...page.items);
      start = page.lastKey;
    } while (start);
    return items;
  }

  async queryIndexPage(
    index: { name: string; partitionKey: string; sortKey: string },
    pk: string,
    untilSk: string | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<Item>> {
    const page = await this.query({
      IndexName: index.name,
      KeyConditionExpression: untilSk === undefined ? '#pk = :pk' : '#pk = :pk AND #sk <= :until',
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(untilSk === undefined ? {} : { '#sk': index.sortKey }) },
      ExpressionAttributeValues: { ':pk': pk, ...(untilSk === undefined ? {} : { ':until': untilSk }) },
      ExclusiveStartKey: decodeCursor(cursor),
      Limit: limit,
    });
    return { items: page.items, cursor: encodeCursor(page.lastKey) };
  }
}

class DynamoWorkspaces implements WorkspaceRepository {
  constructor(private readonly db: TableAccess) {}

  async create(ws: Workspace, owner: Member): Promise<void> {
    // Two single-item writes (no transactions): the member first, so a workspace never exists without its owner.
    const ownerList = owner.role === 'owner' ? listKeys.ownedWorkspace(owner.userId, ws.workspaceId) : {};
    await this.db.put({ ...keys.member(ws.workspaceId, owner.userId), entity: 'member', ...defined(owner), ...ownerList });
    const hubList = ws.hubId ? listKeys.hubWorkspace(ws.hubId, ws.workspaceId) : {};
    const created = await this.db.put(
      { ...keys.workspace(ws.workspaceId), entity: 'workspace', ...defined(ws), ...hubList, ...workspaceListKeys(ws.workspaceId, shardOf(ws.workspaceId)) },
      { expr: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } },
    );
    if (!created) throw new VersionConflictError('The workspace');
  }

  async get(workspaceId: string): Promise<Workspace | undefined> {
    return strip<Workspace>(await this.db.get(keys.workspace(workspaceId)));
  }

  async getMember(workspaceId: string, userId: string): Promise<Member | undefined> {
    return strip<Member>(await this.db.get(keys.member(workspaceId, userId)));
  }

  async listOwners(workspaceId: string): Promise<Member[]> {
    const items = await this.db.queryAll(keys.workspace(workspaceId).pk, prefixes.member);
    return items.map((i) => strip<Member>(i)!).filter((m) => m.role === 'owner');
  }

  async setSkipRetriesOlderThanHours(workspaceId: string, hours: number | undefined): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.workspace(workspaceId),
        UpdateExpression: hours === undefined ? 'REMOVE skipRetriesOlderThanHours' : 'SET skipRetriesOlderThanHours = :h',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ...(hours === undefined ? {} : { ExpressionAttributeValues: { ':h': hours } }),
      }),
    );
  }

  async setHub(workspaceId: string, hubId: string): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.workspace(workspaceId),
        // The lists index follows the hub: the workspace leaves its former hub's list in the same write.
        UpdateExpression: 'SET hubId = :hub, listPk = :lpk, listSk = :lsk',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':hub': hubId, ':lpk': listKeys.hubWorkspace(hubId, workspaceId).listPk, ':lsk': listKeys.hubWorkspace(hubId, workspaceId).listSk },
      }),
    );
  }
}

class DynamoHubs implements HubRepository {
  constructor(private readonly db: TableAccess) {}

  async create(hub: Hub, adminUserId: string): Promise<void> {
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

function connectionItem(c: Connection): Item {
  const item: Item = { ...keys.connection(c.workspaceId, c.connectionId), entity: 'connection', ...defined(c) };
  // Re-keyed to the current shard layout at every write (DUE_CONNECTIONS).
  if (c.nextCheckAt) Object.assign(item, dueConnectionKeys({ ...c, nextCheckAt: c.nextCheckAt }));
  return item;
}

class DynamoConnections implements ConnectionRepository {
  constructor(private readonly db: TableAccess) {}

  async create(c: Connection): Promise<void> {
    const ok = await this.db.put(connectionItem(c), { expr: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } });
    if (!ok) throw new VersionConflictError('The connection');
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

  async update(next: Connection, expectedVersion: number): Promise<void> {
    // A removed connection stays removed: part of the write, not just of the caller's read.
    const revives = next.status !== 'removed';
    const ok = await this.db.put(connectionItem(next), {
      expr: revives ? '#v = :expected AND #status <> :removed' : '#v = :expected',
      ExpressionAttributeNames: { '#v': 'version', ...(revives ? { '#status': 'status' } : {}) },
      ExpressionAttributeValues: { ':expected': expectedVersion, ...(revives ? { ':removed': 'removed' } : {}) },
    });
    if (!ok) throw new VersionConflictError('The connection');
  }

  async claimAccount(claim: AccountClaim): Promise<AccountClaim | undefined> {
    const key = keys.accountClaim(claim.workspaceId, claim.platform, claim.externalAccountId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.db.put(
        { ...key, entity: 'accountClaim', ...defined({ ...claim, releasedAt: undefined }) },
        { expr: 'attribute_not_exists(#pk) OR attribute_exists(releasedAt)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } },
      );
      if (claimed) return undefined;
      const holder = strip<AccountClaim>(await this.db.get(key));
      // Released (or gone) between our write and our read: try again.
      if (holder && !holder.releasedAt) return holder;
    }
    throw new VersionConflictError('The account claim');
  }

  async takeOverAccountClaim(claim: AccountClaim, from: AccountClaim): Promise<boolean> {
    return this.db.put(
      { ...keys.accountClaim(claim.workspaceId, claim.platform, claim.externalAccountId), entity: 'accountClaim', ...defined({ ...claim, releasedAt: undefined }) },
      {
        expr: '#cid = :from AND claimedAt = :fromAt',
        ExpressionAttributeNames: { '#cid': 'connectionId' },
        ExpressionAttributeValues: { ':from': from.connectionId, ':fromAt': from.claimedAt },
      },
    );
  }

  async releaseAccountClaim(workspaceId: string, platform: Platform, externalAccountId: string, connectionId: string, at: string): Promise<void> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.accountClaim(workspaceId, platform, externalAccountId),
          UpdateExpression: 'SET releasedAt = :at',
          ConditionExpression: '#cid = :id AND attribute_not_exists(releasedAt)',
          ExpressionAttributeNames: { '#cid': 'connectionId' },
          ExpressionAttributeValues: { ':id': connectionId, ':at': at },
        }),
      );
    } catch (error) {
      // Another connection holds it (or nobody): nothing of ours to free.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async queryDue(shard: number, until: string, cursor?: string, limit = 500): Promise<Page<{ workspaceId: string; connectionId: string }>> {
    const page = await this.db.queryIndexPage(TABLE.indexes.due, dueConnectionPk(shard), dueUntilSk(until), cursor, limit);
    return { items: page.items.map((i) => parseDueConnectionSk(String(i.dueSk))), cursor: page.cursor };
  }

  async acquireLease(workspaceId: string, connectionId: string, until: string, now: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.connection(workspaceId, connectionId),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'attribute_exists(#pk) AND #status <> :removed AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: { ':until': until, ':now': now, ':removed': 'removed' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function postItem(p: Post): Item {
  const item: Item = { ...keys.post(p.workspaceId, p.postId), entity: 'post', ...defined(p), ...listKeys.post(p.workspaceId, p.publishAt, p.postId), ...scheduledListKeys(p) };
  // A post deferred by a rate limit is due again at its retryAt, not at its publishAt.
  if (p.status === 'scheduled') Object.assign(item, duePostKeys({ ...p, publishAt: publishDueAt(p) }));
  if (p.status === 'failed') {
    item.failedPk = failedPostsPk(p.connectionId);
    item.failedSk = `${p.failedAt ?? p.publishAt}#${p.workspaceId}#${p.postId}`;
  }
  if (p.status === 'failed' || p.status === 'publishing') {
    Object.assign(item, reconcileKeys(p.workspaceId, p.connectionId, p.status === 'failed' ? 'failed' : 'claims', p.postId));
  }
  return item;
}

function idsFromSk(sk: unknown): { workspaceId: string; postId: string } {
  const [, workspaceId = '', postId = ''] = String(sk).split('#');
  return { workspaceId, postId };
}

class DynamoPosts implements PostRepository {
  constructor(private readonly db: TableAccess) {}

  async create(p: Post): Promise<void> {
    const ok = await this.db.put(postItem(p), { expr: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } });
    if (!ok) throw new VersionConflictError('The post');
  }

  async get(workspaceId: string, postId: string): Promise<Post | undefined> {
    return strip<Post>(await this.db.get(keys.post(workspaceId, postId)));
  }

  async update(next: Post, expectedVersion: number): Promise<void> {
    const ok = await this.db.put(postItem(next), {
      expr: '#v = :expected',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    });
    if (!ok) throw new VersionConflictError('The post');
  }

  async transition(next: Post, from: readonly PostStatus[], expectedVersion: number): Promise<void> {
    const values: Record<string, unknown> = { ':expected': expectedVersion };
    from.forEach((s, i) => (values[`:s${i}`] = s));
    const ok = await this.db.put(postItem(next), {
      expr: `#v = :expected AND #status IN (${from.map((_, i) => `:s${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#v': 'version', '#status': 'status' },
      ExpressionAttributeValues: values,
    });
    if (!ok) throw new VersionConflictError('The post');
  }

  async listFailedByConnection(connectionId: string, cursor?: string, limit = 100): Promise<Page<{ workspaceId: string; postId: string }>> {
    const page = await this.db.queryIndexPage(TABLE.indexes.failedPosts, failedPostsPk(connectionId), undefined, cursor, limit);
    return { items: page.items.map((i) => idsFromSk(i.failedSk)), cursor: page.cursor };
  }

  async queryDue(shard: number, until: string, cursor?: string, limit = 500): Promise<Page<{ workspaceId: string; postId: string }>> {
    const page = await this.db.queryIndexPage(TABLE.indexes.due, duePostPk(shard), dueUntilSk(until), cursor, limit);
    return { items: page.items.map((i) => idsFromSk(i.dueSk)), cursor: page.cursor };
  }
}

class DynamoAlerts implements AlertRepository {
  constructor(private readonly db: TableAccess) {}

  async putIfAbsent(a: Alert): Promise<boolean> {
    // Open expiry / failed-post alerts sit in the reconcile index until resolved (a lost restore leaves them open).
    const reconcile = !a.resolvedAt && a.connectionId && (a.kind === 'connection_expired' || a.kind === 'post_failed') ? reconcileKeys(a.workspaceId, a.connectionId, 'alerts', a.alertId) : {};
    return this.db.put(
      { ...keys.alert(a.workspaceId, a.alertId), entity: 'alert', ...defined(a), ...reconcile },
      { expr: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } },
    );
  }

  async list(workspaceId: string): Promise<Alert[]> {
    const items = await this.db.queryAll(keys.workspace(workspaceId).pk, prefixes.alert);
    return items.map((i) => strip<Alert>(i)!).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async resolveForConnection(workspaceId: string, connectionId: string, at: string): Promise<number> {
    const open = (await this.list(workspaceId)).filter((a) => a.connectionId === connectionId && !a.resolvedAt);
    for (const a of open) {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.alert(workspaceId, a.alertId),
          UpdateExpression: 'SET resolvedAt = :at REMOVE reconPk, reconSk',
          ConditionExpression: 'attribute_not_exists(resolvedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ).catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    }
    return open.length;
  }
}

class DynamoOAuthStates implements OAuthStateRepository {
  constructor(private readonly db: TableAccess) {}

  async put(s: OAuthState, ttlEpochSeconds: number): Promise<void> {
    await this.db.put({ ...keys.oauthState(s.stateHash), entity: 'oauthState', ...defined(s), [TABLE.ttlAttribute]: ttlEpochSeconds });
  }

  async get(stateHash: string): Promise<OAuthState | undefined> {
    return strip<OAuthState>(await this.db.get(keys.oauthState(stateHash)));
  }

  async consume(stateHash: string, at: string): Promise<boolean> {
    return stampOnce(this.db.doc, this.db.tableName, keys.oauthState(stateHash), 'usedAt', at);
  }

}

class DynamoNotices implements NoticeRepository {
  constructor(private readonly db: TableAccess) {}

  async claim(noticeId: string, now: string, leaseUntil: string, ttlEpochSeconds: number): Promise<'claimed' | 'sent' | 'busy'> {
    const claimed = await this.db.put(
      { ...keys.notice(noticeId), entity: 'notice', state: 'sending', leaseUntil, [TABLE.ttlAttribute]: ttlEpochSeconds },
      {
        expr: 'attribute_not_exists(#pk) OR (#state = :sending AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ':now': now },
      },
    );
    if (claimed) return 'claimed';
    const current = await this.db.get(keys.notice(noticeId));
    return current?.state === 'sent' ? 'sent' : 'busy';
  }

  async markSent(noticeId: string, at: string): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.notice(noticeId),
        UpdateExpression: 'SET #state = :sent, sentAt = :at REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':at': at },
      }),
    );
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

class DynamoPlatformHealth implements PlatformHealthRepository {
  constructor(private readonly db: TableAccess) {}

  async get(platform: Platform): Promise<PlatformHealth | undefined> {
    return strip<PlatformHealth>(await this.db.get(keys.platformHealth(platform)));
  }

  async put(h: PlatformHealth): Promise<void> {
    await this.db.put({ ...keys.platformHealth(h.platform), entity: 'platformHealth', ...defined(h) });
  }
}

class DynamoScanRuns implements ScanRunRepository {
  constructor(private readonly db: TableAccess) {}

  async start(runId: string, startedAt: string, ttlEpochSeconds: number): Promise<void> {
    await this.db.put({ ...keys.scanRun(runId), entity: 'scanRun', runId, startedAt, enqueued: 0, itemsRead: 0, counts: {}, [TABLE.ttlAttribute]: ttlEpochSeconds });
  }

  async addEnqueued(runId: string, enqueued: number, itemsRead: number): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.scanRun(runId),
        UpdateExpression: 'ADD enqueued :e, itemsRead :r',
        ExpressionAttributeValues: { ':e': enqueued, ':r': itemsRead },
      }),
    );
  }

  async record(runId: string, platform: Platform, outcome: CheckOutcome): Promise<Record<string, number>> {
    return this.add(runId, ['checked', outcome, `checked:${platform}`, `${outcome}:${platform}`]);
  }

  async countPermanent(runId: string, platform: Platform, reason: ExpiryReason): Promise<Record<string, number>> {
    return this.add(runId, [`permanent:${platform}:${reason}`]);
  }

  private async add(runId: string, names: string[]): Promise<Record<string, number>> {
    // Counters live as flat attributes (c_<name>) so ADD works on a missing one.
    const out = await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.scanRun(runId),
        UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :one`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#c${i}`, `c_${n}`])),
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return countsOf(out.Attributes ?? {});
  }

  async get(runId: string): Promise<ScanRunStats | undefined> {
    const item = await this.db.get(keys.scanRun(runId));
    if (!item) return undefined;
    return { runId, startedAt: String(item.startedAt), enqueued: Number(item.enqueued ?? 0), itemsRead: Number(item.itemsRead ?? 0), counts: countsOf(item) };
  }
}

function countsOf(item: Item): Record<string, number> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => k.startsWith('c_')).map(([k, v]) => [k.slice(2), Number(v)]));
}

const SECTION_LETTER: Record<ReconcileSection, string> = { alerts: 'a', claims: 'c', failed: 'f' };
const SECTION_OF: Record<string, ReconcileSection> = { a: 'alerts', c: 'claims', f: 'failed' };

function reconcileKeys(workspaceId: string, connectionId: string, section: ReconcileSection, id: string): Item {
  return { reconPk: reconcilePk(shardOf(connectionId)), reconSk: `${workspaceId}#${connectionId}#${SECTION_LETTER[section]}#${id}` };
}

/** The sort key just past a position: after the entry, after its section (letter + '~'), or after the connection ('~' sorts after every id and section). */
function reconcileBound(p: ReconcilePosition): string {
  const group = `${p.workspaceId}#${p.connectionId}#`;
  if (!p.section) return `${group}~`;
  return p.id === undefined ? `${group}${SECTION_LETTER[p.section]}~` : `${group}${SECTION_LETTER[p.section]}#${p.id}`;
}

class DynamoReconcile implements ReconcileRepository {
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
    return stampOnce(this.db.doc, this.db.tableName, keys.alert(workspaceId, alertId), 'resolvedAt', at, ['reconPk', 'reconSk']);
  }

}

/** The dashboard's lists: Queries on the `lists` index (eventually consistent, like every GSI read). */
class DynamoLists implements ListRepository {
  constructor(private readonly db: TableAccess) {}

  /** Every entry of one list partition whose sort key starts with `prefix`. */
  private async all(pk: string, prefix: string): Promise<Item[]> {
    const index = TABLE.indexes.lists;
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ExclusiveStartKey: start,
      });
      items.push(...page.items);
      start = page.lastKey;
    } while (start);
    return items;
  }

  /** The workspaces themselves (the name has one home: the workspace item); ones gone since are left out. */
  private async workspacesById(ids: string[]): Promise<Workspace[]> {
    const found = await Promise.all(ids.map(async (id) => strip<Workspace>(await this.db.get(keys.workspace(id)))));
    return found.filter((w): w is Workspace => w !== undefined);
  }

  async workspacesOwnedBy(userId: string): Promise<Workspace[]> {
    const members = await this.all(listKeys.userPk(userId), listKeys.workspacePrefix);
    const owned = await this.workspacesById(members.map((m) => String(m.workspaceId)));
    return owned.filter((w) => w.ownerUserId === userId);
  }

  async hubsAdministeredBy(userId: string): Promise<Hub[]> {
    const admins = await this.all(listKeys.userPk(userId), listKeys.hubPrefix);
    const hubs = await Promise.all(admins.map(async (a) => strip<Hub>(await this.db.get(keys.hub(String(a.hubId))))));
    return hubs.filter((h): h is Hub => h !== undefined);
  }

  async workspacesInHub(hubId: string): Promise<Workspace[]> {
    const items = await this.all(listKeys.hubWorkspacesPk(hubId), listKeys.workspacePrefix);
    // The index item is the workspace item itself; the hubId check drops an entry read mid-move.
    return items.map((i) => strip<Workspace>(i)!).filter((w) => w.hubId === hubId);
  }

  async posts(workspaceId: string, q: PostListQuery): Promise<{ posts: Post[]; next?: PostPosition }> {
    const index = TABLE.indexes.lists;
    const filters: string[] = [];
    const names: Record<string, string> = { '#pk': index.partitionKey };
    const values: Record<string, unknown> = { ':pk': listKeys.postsPk(workspaceId) };
    if (q.statuses) {
      names['#status'] = 'status';
      q.statuses.forEach((s, i) => (values[`:s${i}`] = s));
      filters.push(`#status IN (${q.statuses.map((_, i) => `:s${i}`).join(', ')})`);
    }
    if (q.connectionId !== undefined) {
      names['#conn'] = 'connectionId';
      values[':conn'] = q.connectionId;
      filters.push('#conn = :conn');
    }
    let start: Record<string, unknown> | undefined = q.after
      ? { ...keys.post(workspaceId, q.after.postId), ...listKeys.post(workspaceId, q.after.publishAt, q.after.postId) }
      : undefined;
    const posts: Post[] = [];
    // A filter applies after the read: read on (a bounded number of pages) until the page is full.
    for (let round = 0; round < 10 && posts.length < q.limit; round++) {
      const page = await this.db.query({
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
        ScanIndexForward: false,
        Limit: q.limit - posts.length,
      });
      posts.push(...page.items.map((i) => strip<Post>(i)!));
      start = page.lastKey;
      if (!start) break;
    }
    if (!start) return { posts };
    const [publishAt = '', postId = ''] = splitOnce(String(start[index.sortKey]));
    return { posts, next: { publishAt, postId } };
  }
}

/** `<publishAt>#<postId>`: an ISO instant has no '#'. */
function splitOnce(sk: string): [string, string] {
  const at = sk.indexOf('#');
  return at < 0 ? [sk, ''] : [sk.slice(0, at), sk.slice(at + 1)];
}
