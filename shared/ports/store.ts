import type { ExpiryReason } from '../config/events.js';
import type { PlatformHealth } from '../domain/platform-status.js';
import type { Alert } from '../domain/alert.js';
import type { Connection } from '../domain/connection.js';
import type { OAuthState } from '../domain/oauth-state.js';
import type { ReconnectLink } from '../domain/reconnect-link.js';
import type { HistoryEvent } from '../domain/history.js';
import type { Post, PostStatus } from '../domain/post.js';
import type { Platform } from '../config/platforms.js';
import type { AccountClaim } from '../domain/account-claim.js';
import type { Hub, Member, Workspace } from '../domain/workspace.js';
import type { OwnerStore } from './owner-store.js';

// Kept importable from here: a test and the scan coordinator import them from the port (domain types since 2026-11-30).
export type { AccountClaim } from '../domain/account-claim.js';
export type { CheckOutcome } from '../domain/check-outcome.js';

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface WorkspaceRepository {
  create(ws: Workspace, owner: Member): Promise<void>;
  get(workspaceId: string): Promise<Workspace | undefined>;
  getMember(workspaceId: string, userId: string): Promise<Member | undefined>;
  listOwners(workspaceId: string): Promise<Member[]>;
  setHub(workspaceId: string, hubId: string): Promise<void>;
  /** undefined clears it (retry every failed post, however late: the default). */
  setSkipRetriesOlderThanHours(workspaceId: string, hours: number | undefined): Promise<void>;
}

export interface HubRepository {
  create(hub: Hub, adminUserId: string): Promise<void>;
  get(hubId: string): Promise<Hub | undefined>;
  isAdmin(hubId: string, userId: string): Promise<boolean>;
}

export interface ConnectionRepository {
  /** Fails with VersionConflictError if the id exists. */
  create(c: Connection): Promise<void>;
  get(workspaceId: string, connectionId: string): Promise<Connection | undefined>;
  listByWorkspace(workspaceId: string): Promise<Connection[]>;
  findByAccount(workspaceId: string, platform: Platform, externalAccountId: string): Promise<Connection[]>;
  /**
   * Writes `next` as version `expectedVersion + 1` only if the stored version is `expectedVersion`
   * (the store moves the version; `next.version` is ignored), and never brings a removed connection
   * back (the write itself is conditional on it); else VersionConflictError. Returns what was written.
   */
  update(next: Connection, expectedVersion: number): Promise<Connection>;
  /**
   * Claims the account for `claim.connectionId` if no live claim exists (a conditional write, so two
   * simultaneous connects never both win); undefined when claimed, else the current holder's claim.
   */
  claimAccount(claim: AccountClaim): Promise<AccountClaim | undefined>;
  /** Replaces a dead claim (its connection removed, or never written) only if it is still exactly `from`. */
  takeOverAccountClaim(claim: AccountClaim, from: AccountClaim): Promise<boolean>;
  /** Frees the account (its connection was removed); only `connectionId`'s own live claim. */
  releaseAccountClaim(workspaceId: string, platform: Platform, externalAccountId: string, connectionId: string, at: string): Promise<void>;
  /** One page of connections due by `until` in one shard of the sparse due index (keys only). */
  queryDue(shard: number, until: string, cursor?: string, limit?: number): Promise<Page<{ workspaceId: string; connectionId: string }>>;
  /**
   * Takes the refresh lease if free (or lapsed) and the connection is not removed: the connection as
   * stored under the lease (the same write answers it); undefined when the lease was not taken.
   */
  acquireLease(workspaceId: string, connectionId: string, until: string, now: string): Promise<Connection | undefined>;
}

export interface PostRepository {
  create(p: Post): Promise<void>;
  get(workspaceId: string, postId: string): Promise<Post | undefined>;
  /** As ConnectionRepository.update: written as version `expectedVersion + 1` if still `expectedVersion`; returns what was written. */
  update(next: Post, expectedVersion: number): Promise<Post>;
  /** As `update`, and conditional on the post's current status being one of `from`. */
  transition(next: Post, from: readonly PostStatus[], expectedVersion: number): Promise<Post>;
  listFailedByConnection(connectionId: string, cursor?: string, limit?: number): Promise<Page<{ workspaceId: string; postId: string }>>;
  queryDue(shard: number, until: string, cursor?: string, limit?: number): Promise<Page<{ workspaceId: string; postId: string }>>;
}

export interface AlertRepository {
  /** Creates it unless an alert with that id exists; true when created. */
  putIfAbsent(a: Alert): Promise<boolean>;
  list(workspaceId: string): Promise<Alert[]>;
  resolveForConnection(workspaceId: string, connectionId: string, at: string): Promise<number>;
}

/** Where an entry of the reconcile index sits in its connection's group: open alerts, claimed posts, failed posts. */
export type ReconcileSection = 'alerts' | 'claims' | 'failed';

export interface ReconcileEntry {
  workspaceId: string;
  connectionId: string;
  section: ReconcileSection;
  /** The alert id or the post id. */
  id: string;
}

/** A position in one shard: after an entry, after a section of a connection, or after the whole connection. */
export type ReconcilePosition = { workspaceId: string; connectionId: string; section?: ReconcileSection; id?: string };

/** The sparse reconcile index (shared/config/table.ts): work a lost message could strand, grouped by connection. */
export interface ReconcileRepository {
  /** One page of a shard in (workspace, connection, section, id) order, strictly after `after`. */
  list(shard: number, after: ReconcilePosition | undefined, limit: number): Promise<ReconcileEntry[]>;
  /** Resolves one open alert (and takes it off the index); false when it was resolved already or is gone. */
  resolveAlert(workspaceId: string, alertId: string, at: string): Promise<boolean>;
}

export interface OAuthStateRepository {
  put(s: OAuthState, ttlEpochSeconds: number): Promise<void>;
  get(stateHash: string): Promise<OAuthState | undefined>;
  /** Marks it used if unused; false when somebody used it first. */
  consume(stateHash: string, at: string): Promise<boolean>;
}

/**
 * Record of a notice (email) per recipient: sent once on top of at-least-once delivery. A sender
 * claims it with a short lease; a crash before `markSent` lets the lease lapse so a retry sends it.
 */
export interface NoticeRepository {
  /** `claimed`: send it now; `sent`: done before; `busy`: another sender holds a live lease (retry later). */
  claim(noticeId: string, now: string, leaseUntil: string, ttlEpochSeconds: number): Promise<'claimed' | 'sent' | 'busy'>;
  markSent(noticeId: string, at: string): Promise<void>;
  release(noticeId: string): Promise<void>;
  /** Where a notice stands: never claimed, being sent (a live or lapsed lease), or sent. */
  state(noticeId: string): Promise<'none' | 'sending' | 'sent'>;
}

export type { PlatformHealth } from '../domain/platform-status.js';

export interface PlatformHealthRepository {
  get(platform: Platform): Promise<PlatformHealth | undefined>;
  put(h: PlatformHealth): Promise<void>;
}

export interface ScanRunStats {
  runId: string;
  startedAt: string;
  /** Connections handed to workers. */
  enqueued: number;
  /** Due-index entries read by the coordinator. */
  itemsRead: number;
  /** Outcome counts overall and per platform, e.g. `checked`, `expired`, `transient:linkedin`. */
  counts: Record<string, number>;
}

export interface ScanRunRepository {
  start(runId: string, startedAt: string, ttlEpochSeconds: number): Promise<void>;
  addEnqueued(runId: string, enqueued: number, itemsRead: number): Promise<void>;
  /** Adds to several counters at once (one queue message's outcomes); returns every counter of the run after the add. */
  addCounts(runId: string, increments: Record<string, number>): Promise<Record<string, number>>;
  /** Counts one permanent answer of this reason (`permanent:<platform>:<reason>`) for the blast-radius guard; returns every counter of the run. */
  countPermanent(runId: string, platform: Platform, reason: ExpiryReason): Promise<Record<string, number>>;
  get(runId: string): Promise<ScanRunStats | undefined>;
}

/** Where a page of a workspace's posts ended: the next page starts after this post (newest first). */
export interface PostPosition {
  publishAt: string;
  postId: string;
}

export interface PostListQuery {
  /** Stored statuses to keep (all when absent). */
  statuses?: readonly PostStatus[];
  connectionId?: string;
  after?: PostPosition;
  limit: number;
}

/** The dashboard's lists, each one Query on the `lists` index (shared/config/table.ts), never a Scan. */
export interface ListRepository {
  workspacesOwnedBy(userId: string): Promise<Workspace[]>;
  hubsAdministeredBy(userId: string): Promise<Hub[]>;
  workspacesInHub(hubId: string): Promise<Workspace[]>;
  /** Newest `publishAt` first; `next` is set when more posts may follow. */
  posts(workspaceId: string, query: PostListQuery): Promise<{ posts: Post[]; next?: PostPosition }>;
}

/** Reconnect links (domain/reconnect-link.ts), keyed by the hash of their secret. */
export interface ReconnectLinkRepository {
  put(link: ReconnectLink, ttlEpochSeconds: number): Promise<void>;
  get(tokenHash: string): Promise<ReconnectLink | undefined>;
  /** The connection's newest link; undefined: none, or revoked. */
  current(workspaceId: string, connectionId: string): Promise<string | undefined>;
  /** Makes `tokenHash` the only link that works (undefined: none works). */
  setCurrent(workspaceId: string, connectionId: string, tokenHash: string | undefined): Promise<void>;
  /** Marks it used if unused; false when it was used first elsewhere. */
  consume(tokenHash: string, at: string): Promise<boolean>;
}

/** A connection's history (domain/history.ts). */
export interface HistoryRepository {
  /** Writes the event under `key` unless that key exists: true when written. */
  add(workspaceId: string, connectionId: string, key: string, event: HistoryEvent): Promise<boolean>;
  list(workspaceId: string, connectionId: string): Promise<HistoryEvent[]>;
}

/**
 * Once-only markers of the scan (shared/use-cases/scan-run.ts): a tick's run, and each step of a
 * segment (a duplicate delivery or a second tick with the same run id does nothing twice).
 * `claimed`: yours until `leaseUntil`; `done`: finished before; `busy`: someone else holds it.
 */
export interface ScanClaimRepository {
  claim(key: string, now: string, leaseUntil: string, ttlEpochSeconds: number): Promise<'claimed' | 'done' | 'busy'>;
  finish(key: string, at: string): Promise<void>;
}

export interface TokenWant {
  platform: Platform;
  limit: number;
  wanted: number;
}

/** Token buckets shared by every worker (shared/config/rate-budgets.ts): one counter per platform and window. */
export interface RateBudgetRepository {
  /**
   * Takes up to `wanted` tokens of each platform's budget in `window` without going over its `limit`:
   * how many it took per platform (absent: none, the window is spent). One write when there is room.
   */
  takeUpTo(window: string, wants: readonly TokenWant[], ttlEpochSeconds: number): Promise<Map<Platform, number>>;
}

/** What one expiry-check message reads before its checks (shared/use-cases/scan.ts). */
export interface CheckMessageInputs {
  /** In the order of the message's refs (undefined: no such connection). */
  connections: (Connection | undefined)[];
  /** The run's counters (ScanRunStats.counts) as they stand. */
  counts: Record<string, number>;
  health: Map<Platform, PlatformHealth | undefined>;
}

/** The reads of one expiry-check message together, strongly consistent, in as few requests as the store allows (one BatchGetItem). */
export interface CheckReadRepository {
  read(runId: string, refs: readonly { workspaceId: string; connectionId: string }[], platforms: readonly Platform[]): Promise<CheckMessageInputs>;
}

export interface Store {
  checkReads: CheckReadRepository;
  scanClaims: ScanClaimRepository;
  rateBudgets: RateBudgetRepository;
  reconnectLinks: ReconnectLinkRepository;
  history: HistoryRepository;
  scanRuns: ScanRunRepository;
  workspaces: WorkspaceRepository;
  hubs: HubRepository;
  connections: ConnectionRepository;
  posts: PostRepository;
  alerts: AlertRepository;
  oauthStates: OAuthStateRepository;
  notices: NoticeRepository;
  platformHealth: PlatformHealthRepository;
  reconcile: ReconcileRepository;
  lists: ListRepository;
  /** Preferences, late-post setting, posts at risk, the digest's roster (./owner-store.ts). */
  owners: OwnerStore;
}
