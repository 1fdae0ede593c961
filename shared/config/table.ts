import { PEAK_CHECKS_PER_SECOND } from './rate-budgets.js';

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
     * Sparse "due" index: only items that need attention carry `duePk`/`dueSk` (built by
     * `dueConnectionKeys` / `duePostKeys` below, their one home).
     * Connections: duePk = `DUE#CONN#<shard of DUE_CONNECTIONS.shards>`, dueSk = `<ISO instant due>#<workspaceId>#<connectionId>`;
     * the instant leads the sort key, so "everything due by now" is one range query per shard (a scan segment).
     * Scheduled posts: duePk = `DUE#POST#<shard of DUE_SHARDS>`, dueSk = `<publishAt>#<workspaceId>#<postId>`.
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

/**
 * Shards of the small sparse partitions read by one invocation each: scheduled posts on the due
 * index, the workspace roster, the reconcile index. (Connections have their own count: DUE_CONNECTIONS.)
 */
export const DUE_SHARDS = 4;

/** Connections the deployment is sized for (a stage may raise it; see dueConnectionShardsFor). */
export const EXPECTED_CONNECTIONS = 100_000;
/** Most connections one due segment should hold, so a segment's daily share stays a few invocations. */
export const CONNECTIONS_PER_SEGMENT = 20_000;
/**
 * DynamoDB gives a partition about 1,000 write units a second; a check rewrites its connection, which
 * moves its due entry (a delete and a put on the index, usually in the same partition). Half of the
 * limit is the planning ceiling, so one segment takes at most 250 checks a second.
 */
export const DUE_WRITES_PER_PARTITION_CEILING = 500;

/**
 * The due index's connection shards, from the expected connections and the peak check rate (the
 * rate budgets' sum, shared/config/rate-budgets.ts): enough that no segment is large and no
 * partition takes more than DUE_WRITES_PER_PARTITION_CEILING writes a second. A power of two,
 * at least DUE_SHARDS (the layout every earlier release wrote), at most 1,024.
 */
export function dueConnectionShardsFor(expectedConnections: number, peakChecksPerSecond: number): number {
  const bySize = Math.ceil(expectedConnections / CONNECTIONS_PER_SEGMENT);
  const byWrites = Math.ceil((2 * peakChecksPerSecond) / DUE_WRITES_PER_PARTITION_CEILING);
  let shards = DUE_SHARDS;
  while (shards < Math.max(bySize, byWrites) && shards < 1024) shards *= 2;
  return shards;
}

/**
 * The connection segments of the due index. Writes key a connection into `shards`; the scan reads
 * partitions 0..`readShards`-1. Every layout uses the same `DUE#CONN#<n>` keys, so growing is one
 * change (old entries sit in 0..old-1, inside the new range, and move to their new shard at their
 * next write, i.e. their next check). Shrinking: lower `shards` and keep `readShards` at the old count
 * until the scan reports no `stragglers` (entries read beyond `shards`) for a few days, then lower it.
 */
const dueConnectionShards = dueConnectionShardsFor(EXPECTED_CONNECTIONS, PEAK_CHECKS_PER_SECOND);
export const DUE_CONNECTIONS = { shards: dueConnectionShards, readShards: Math.max(dueConnectionShards, DUE_SHARDS) } as const;

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
  /** A scan tick's run or one step of a segment, done once (ScanClaimRepository). */
  scanClaim: (claimKey: string) => ({ pk: `SCANCLAIM#${claimKey}`, sk: 'CLAIM' }),
  /** One platform's token bucket for one window (a UTC minute or day): a counter. */
  rateBudget: (platform: string, window: string) => ({ pk: `RATE#${platform}#${window}`, sk: 'TOKENS' }),
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

/** A connection's due-index keys (see TABLE.indexes.due); `shards`: the layout written (tests and the bench seed others). */
export function dueConnectionKeys(c: { workspaceId: string; connectionId: string; nextCheckAt: string }, shards: number = DUE_CONNECTIONS.shards): { duePk: string; dueSk: string } {
  return { duePk: dueConnectionPk(shardOf(c.connectionId, shards)), dueSk: `${c.nextCheckAt}#${c.workspaceId}#${c.connectionId}` };
}

/** The ids in a connection's `dueSk` (an ISO instant has no '#'). */
export function parseDueConnectionSk(dueSk: string): { workspaceId: string; connectionId: string } {
  const [, workspaceId = '', connectionId = ''] = dueSk.split('#');
  return { workspaceId, connectionId };
}

/** "<= this" takes every due entry at or before `until` ('~' sorts after the '#<ids>' that follow the instant). */
export function dueUntilSk(until: string): string {
  return `${until}~`;
}
export function duePostPk(shard: number): string {
  return `DUE#POST#${shard}`;
}
export function duePostKeys(p: { workspaceId: string; postId: string; publishAt: string }): { duePk: string; dueSk: string } {
  return { duePk: duePostPk(shardOf(p.postId)), dueSk: `${p.publishAt}#${p.workspaceId}#${p.postId}` };
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
