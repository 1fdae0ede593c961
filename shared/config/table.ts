/**
 * The single DynamoDB table: key names, indexes and the TTL attribute.
 * Read by the repositories, the local runtime (to create the table in dynalite) and the CDK stack.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAtEpoch',
  indexes: {
    /**
     * Sparse "due" index: only items that need attention carry `duePk`/`dueSk`.
     * Connections: duePk = `DUE#CONN#<shard>`, dueSk = `<ISO instant due>#<connectionId>`; the day it is
     * due leads the sort key, so "everything due by today" is one range query per shard.
     * Scheduled posts: duePk = `DUE#POST#<shard>`, dueSk = `<publishAt>#<postId>`.
     */
    due: { name: 'due', partitionKey: 'duePk', sortKey: 'dueSk' },
    /** Sparse: only failed posts carry it. `FAILED#<connectionId>` / `<failedAt>#<postId>`. */
    failedPosts: { name: 'failedPosts', partitionKey: 'failedPk', sortKey: 'failedSk' },
    /**
     * Sparse "reconcile" index: only work that a lost message could strand carries `reconPk`/`reconSk`:
     * posts `failed` or `publishing` (a claim), and open `connection_expired` / `post_failed` alerts.
     * reconPk = `RECON#<shard of the connection>`; reconSk = `<workspaceId>#<connectionId>#<section>#<id>`
     * with section `a` (alert), `c` (claimed post), `f` (failed post): one connection's entries sit
     * together, so the reconciliation skips a connection that is still down with one query.
     */
    reconcile: { name: 'reconcile', partitionKey: 'reconPk', sortKey: 'reconSk' },
    /**
     * The dashboard's lists (no Scan): `listPk`/`listSk` on the items each list reads.
     * Owner member items: `USER#<userId>` / `WS#<workspaceId>`; hub admin items: `USER#<userId>` /
     * `HUB#<hubId>` (one query gives a person's workspaces or hubs by the sort key's prefix);
     * workspaces in a hub: `HUBWS#<hubId>` / `WS#<workspaceId>`; posts: `POSTS#<workspaceId>` /
     * `<publishAt>#<postId>` (newest first is a backwards query). Items written before this index
     * carry no keys and need a backfill to be listed. Its reads filter on and return whole items, so
     * it projects ALL (the CDK default for every index; the local table projects the others' keys only).
     */
    lists: { name: 'lists', partitionKey: 'listPk', sortKey: 'listSk', projection: 'ALL' },
    /**
     * Sparse "scheduled" index (one GSI for two short lists): scheduled
     * posts per connection, `SCHED#<connectionId>` / `<publishAt>#<workspaceId>#<postId>` (posts at
     * risk), and workspaces, `WORKSPACES#<shard>` / `<workspaceId>` (the weekly digest's roster).
     */
    scheduled: { name: 'scheduled', partitionKey: 'schedPk', sortKey: 'schedSk' },
  },
} as const;

/** Shards spread the due index over several partitions; the scan queries each one. */
export const DUE_SHARDS = 4;

export const keys = {
  workspace: (workspaceId: string) => ({ pk: `WS#${workspaceId}`, sk: 'META' }),
  member: (workspaceId: string, userId: string) => ({ pk: `WS#${workspaceId}`, sk: `MEMBER#${userId}` }),
  hub: (hubId: string) => ({ pk: `HUB#${hubId}`, sk: 'META' }),
  hubAdmin: (hubId: string, userId: string) => ({ pk: `HUB#${hubId}`, sk: `ADMIN#${userId}` }),
  connection: (workspaceId: string, connectionId: string) => ({ pk: `WS#${workspaceId}`, sk: `CONN#${connectionId}` }),
  post: (workspaceId: string, postId: string) => ({ pk: `WS#${workspaceId}`, sk: `POST#${postId}` }),
  alert: (workspaceId: string, alertId: string) => ({ pk: `WS#${workspaceId}`, sk: `ALERT#${alertId}` }),
  /** One connection per account and workspace: who holds the account (see ConnectionRepository.claimAccount). */
  accountClaim: (workspaceId: string, platform: string, externalAccountId: string) => ({ pk: `WS#${workspaceId}`, sk: `ACCOUNT#${platform}#${externalAccountId}` }),
  oauthState: (stateHash: string) => ({ pk: `OAUTHSTATE#${stateHash}`, sk: 'STATE' }),
  notice: (noticeId: string) => ({ pk: `NOTICE#${noticeId}`, sk: 'SENT' }),
  platformHealth: (platform: string) => ({ pk: `PLATFORM#${platform}`, sk: 'HEALTH' }),
  scanRun: (runId: string) => ({ pk: `SCANRUN#${runId}`, sk: 'STATS' }),
  workspaceSettings: (workspaceId: string) => ({ pk: `WS#${workspaceId}`, sk: 'SETTINGS' }),
  reconnectLink: (tokenHash: string) => ({ pk: `RLINK#${tokenHash}`, sk: 'LINK' }),
  /** Which reconnect link of a connection works (the newest; none after a revoke). */
  currentReconnectLink: (workspaceId: string, connectionId: string) => ({ pk: `WS#${workspaceId}`, sk: `RLINKCUR#${connectionId}` }),
  /** One partition per connection's history; the sort key is the event's deterministic key. */
  historyEvent: (workspaceId: string, connectionId: string, key: string) => ({ pk: `HIST#${workspaceId}#${connectionId}`, sk: `EV#${key}` }),
  /** One owner's email preferences for one workspace. */
  preferences: (workspaceId: string, userId: string) => ({ pk: `WS#${workspaceId}`, sk: `PREFS#${userId}` }),
} as const;

export const prefixes = {
  connection: 'CONN#',
  post: 'POST#',
  alert: 'ALERT#',
  member: 'MEMBER#',
} as const;

export function dueConnectionPk(shard: number): string {
  return `DUE#CONN#${shard}`;
}
export function duePostPk(shard: number): string {
  return `DUE#POST#${shard}`;
}
export function failedPostsPk(connectionId: string): string {
  return `FAILED#${connectionId}`;
}
export function scheduledPostsPk(connectionId: string): string {
  return `SCHED#${connectionId}`;
}
export function workspaceRosterPk(shard: number): string {
  return `WORKSPACES#${shard}`;
}
export function reconcilePk(shard: number): string {
  return `RECON#${shard}`;
}

/** Keys of the `lists` index (see TABLE.indexes.lists). */
export const listKeys = {
  ownedWorkspace: (userId: string, workspaceId: string) => ({ listPk: `USER#${userId}`, listSk: `WS#${workspaceId}` }),
  administeredHub: (userId: string, hubId: string) => ({ listPk: `USER#${userId}`, listSk: `HUB#${hubId}` }),
  hubWorkspace: (hubId: string, workspaceId: string) => ({ listPk: `HUBWS#${hubId}`, listSk: `WS#${workspaceId}` }),
  post: (workspaceId: string, publishAt: string, postId: string) => ({ listPk: `POSTS#${workspaceId}`, listSk: `${publishAt}#${postId}` }),
  userPk: (userId: string) => `USER#${userId}`,
  hubWorkspacesPk: (hubId: string) => `HUBWS#${hubId}`,
  postsPk: (workspaceId: string) => `POSTS#${workspaceId}`,
  workspacePrefix: 'WS#',
  hubPrefix: 'HUB#',
} as const;

/** Stable shard of an id (FNV-1a), so an item always lands in the same due partition. */
export function shardOf(id: string, shards = DUE_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** Idempotency records (Powertools) share the table: partition `IDEMPOTENCY#<fn>`, sort key = the idempotency key. */
export const IDEMPOTENCY = {
  keyAttr: TABLE.partitionKey,
  sortKeyAttr: TABLE.sortKey,
  expiryAttr: TABLE.ttlAttribute,
} as const;
