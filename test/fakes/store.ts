import type { ExpiryReason } from '../../shared/config/events.js';
import type { Platform } from '../../shared/config/platforms.js';
import { dueConnectionKeys, dueConnectionPk, duePostKeys, duePostPk, dueUntilSk, shardOf } from '../../shared/config/table.js';
import type { Alert } from '../../shared/domain/alert.js';
import type { Connection } from '../../shared/domain/connection.js';
import { VersionConflictError } from '../../shared/domain/errors.js';
import type { HistoryEvent } from '../../shared/domain/history.js';
import type { OAuthState } from '../../shared/domain/oauth-state.js';
import { publishDueAt, type Post, type PostStatus } from '../../shared/domain/post.js';
import type { Hub, Member, Workspace } from '../../shared/domain/workspace.js';
import type { ReconnectLink } from '../../shared/domain/reconnect-link.js';
import type { PlatformHealth } from '../../shared/domain/platform-status.js';
import type * as P from '../../shared/ports/store.js';
import { conditionFailed, page, Rows } from './memory-table.js';
import { FakeOwnerStore, type StoredPreferences } from './owner-store.js';

/** Everything the fake store keeps; tests may read (and seed) it directly. */
export class StoreData {
  readonly workspaces = new Rows<Workspace>();
  readonly members = new Rows<Member>();
  readonly hubs = new Rows<Hub>();
  readonly hubAdmins = new Rows<{ hubId: string; userId: string }>();
  readonly connections = new Rows<Connection>();
  readonly claims = new Rows<P.AccountClaim>();
  readonly posts = new Rows<Post>();
  readonly alerts = new Rows<Alert>();
  readonly oauthStates = new Rows<OAuthState>();
  readonly notices = new Rows<{ state: 'sending' | 'sent'; leaseUntil?: string; sentAt?: string }>();
  readonly platformHealth = new Rows<PlatformHealth>();
  readonly scanRuns = new Rows<P.ScanRunStats>();
  readonly links = new Rows<ReconnectLink>();
  readonly currentLinks = new Rows<{ tokenHash?: string }>();
  readonly history = new Rows<{ key: string; event: HistoryEvent; connection: string }>();
  readonly preferences = new Rows<StoredPreferences>();
  readonly scanClaims = new Rows<{ leaseUntil: string; doneAt?: string }>();
  readonly rateBudgets = new Rows<{ taken: number }>();
}

const k = (...parts: string[]) => parts.join('#');
const sameStatus = (from: readonly PostStatus[]) => (p: Post | undefined) => p !== undefined && from.includes(p.status);

/** Sparse index keys exactly as the DynamoDB adapter builds them (shared/config/table.ts). */
const dueSk = (instant: string, workspaceId: string, id: string) => `${instant}#${workspaceId}#${id}`;
const connectionDue = (c: Connection) => (c.nextCheckAt === undefined ? undefined : dueConnectionKeys({ ...c, nextCheckAt: c.nextCheckAt }));
const postDue = (p: Post) => duePostKeys({ ...p, publishAt: publishDueAt(p) });

/**
 * The Store port in memory, with the Dynamo adapter's conditions: creates refuse an existing id,
 * updates are conditional on the version (a removed connection is never revived), single-use
 * stamps answer false the second time, and the sparse indexes list what the adapter's would.
 */
export class FakeStore implements P.Store {
  readonly data = new StoreData();
  readonly owners = new FakeOwnerStore(this.data);

  readonly workspaces: P.WorkspaceRepository = {
    create: async (ws, owner) => {
      this.data.members.put(k(ws.workspaceId, owner.userId), owner);
      if (!this.data.workspaces.put(ws.workspaceId, ws, (s) => s === undefined)) throw new VersionConflictError('The workspace');
    },
    get: async (id) => this.data.workspaces.get(id),
    getMember: async (ws, user) => this.data.members.get(k(ws, user)),
    listOwners: async (ws) => this.data.members.all().filter((m) => m.workspaceId === ws && m.role === 'owner').sort((a, b) => a.userId.localeCompare(b.userId)),
    setHub: async (ws, hubId) => {
      if (!this.data.workspaces.update(ws, (w) => ({ ...w, hubId }))) throw conditionFailed();
    },
    setSkipRetriesOlderThanHours: async (ws, hours) => {
      if (!this.data.workspaces.update(ws, (w) => ({ ...w, skipRetriesOlderThanHours: hours }))) throw conditionFailed();
    },
  };

  readonly hubs: P.HubRepository = {
    create: async (hub, admin) => {
      this.data.hubAdmins.put(k(hub.hubId, admin), { hubId: hub.hubId, userId: admin });
      this.data.hubs.put(hub.hubId, hub);
    },
    get: async (id) => this.data.hubs.get(id),
    isAdmin: async (hubId, userId) => this.data.hubAdmins.get(k(hubId, userId)) !== undefined,
  };

  readonly connections: P.ConnectionRepository = {
    create: async (c) => {
      if (!this.data.connections.put(k(c.workspaceId, c.connectionId), c, (s) => s === undefined)) throw new VersionConflictError('The connection');
    },
    get: async (ws, id) => this.data.connections.get(k(ws, id)),
    listByWorkspace: async (ws) => this.connectionsOf(ws),
    findByAccount: async (ws, platform, account) => this.connectionsOf(ws).filter((c) => c.platform === platform && c.externalAccountId === account),
    // As the adapter: the store moves the version (expected + 1) and answers what it wrote.
    update: async (next, expected) => {
      const revives = next.status !== 'removed';
      const written = { ...next, version: expected + 1 };
      const ok = this.data.connections.put(k(next.workspaceId, next.connectionId), written, (s) => s !== undefined && s.version === expected && (!revives || s.status !== 'removed'));
      if (!ok) throw new VersionConflictError('The connection');
      return written;
    },
    claimAccount: async (claim) => {
      const key = k(claim.workspaceId, claim.platform, claim.externalAccountId);
      if (this.data.claims.put(key, { ...claim, releasedAt: undefined }, (s) => s === undefined || s.releasedAt !== undefined)) return undefined;
      return this.data.claims.get(key);
    },
    takeOverAccountClaim: async (claim, from) =>
      this.data.claims.put(k(claim.workspaceId, claim.platform, claim.externalAccountId), { ...claim, releasedAt: undefined }, (s) => s?.connectionId === from.connectionId && s.claimedAt === from.claimedAt),
    releaseAccountClaim: async (ws, platform, account, connectionId, at) => {
      this.data.claims.update(k(ws, platform, account), (s) => ({ ...s, releasedAt: at }), (s) => s.connectionId === connectionId && s.releasedAt === undefined);
    },
    queryDue: async (shard, until, cursor, limit = 500) => {
      const due = this.data.connections.all().filter((c) => {
        const d = connectionDue(c);
        return d !== undefined && d.duePk === dueConnectionPk(shard) && d.dueSk <= dueUntilSk(until);
      });
      const p = page(due, (c) => connectionDue(c)!.dueSk, cursor, limit);
      return { items: p.items.map((c) => ({ workspaceId: c.workspaceId, connectionId: c.connectionId })), ...(p.cursor ? { cursor: p.cursor } : {}) };
    },
    // The lease write does not bump the version (an UpdateExpression of leaseUntil alone); it answers the item under the lease.
    acquireLease: async (ws, id, until, now) => {
      const leased = this.data.connections.update(k(ws, id), (c) => ({ ...c, leaseUntil: until }), (c) => c.status !== 'removed' && (c.leaseUntil === undefined || c.leaseUntil < now));
      return leased ? this.data.connections.get(k(ws, id)) : undefined;
    },
  };

  readonly posts: P.PostRepository = {
    create: async (p) => {
      if (!this.data.posts.put(k(p.workspaceId, p.postId), p, (s) => s === undefined)) throw new VersionConflictError('The post');
    },
    get: async (ws, id) => this.data.posts.get(k(ws, id)),
    update: async (next, expected) => {
      const written = { ...next, version: expected + 1 };
      if (!this.data.posts.put(k(next.workspaceId, next.postId), written, (s) => s?.version === expected)) throw new VersionConflictError('The post');
      return written;
    },
    transition: async (next, from, expected) => {
      const written = { ...next, version: expected + 1 };
      const ok = this.data.posts.put(k(next.workspaceId, next.postId), written, (s) => s?.version === expected && sameStatus(from)(s));
      if (!ok) throw new VersionConflictError('The post');
      return written;
    },
    listFailedByConnection: async (connectionId, cursor, limit = 100) => {
      const failed = this.data.posts.all().filter((p) => p.status === 'failed' && p.connectionId === connectionId);
      const p = page(failed, (x) => dueSk(x.failedAt ?? x.publishAt, x.workspaceId, x.postId), cursor, limit);
      return { items: p.items.map((x) => ({ workspaceId: x.workspaceId, postId: x.postId })), ...(p.cursor ? { cursor: p.cursor } : {}) };
    },
    queryDue: async (shard, until, cursor, limit = 500) => {
      const due = this.data.posts.all().filter((p) => p.status === 'scheduled' && postDue(p).duePk === duePostPk(shard) && postDue(p).dueSk <= dueUntilSk(until));
      const p = page(due, (x) => postDue(x).dueSk, cursor, limit);
      return { items: p.items.map((x) => ({ workspaceId: x.workspaceId, postId: x.postId })), ...(p.cursor ? { cursor: p.cursor } : {}) };
    },
  };

  readonly checkReads: P.CheckReadRepository = {
    read: async (runId, refs, platforms) => ({
      connections: refs.map((r) => this.data.connections.get(k(r.workspaceId, r.connectionId))),
      counts: this.data.scanRuns.get(runId)?.counts ?? {},
      health: new Map(platforms.map((p) => [p, this.data.platformHealth.get(p)])),
    }),
  };

  readonly scanClaims: P.ScanClaimRepository = {
    claim: async (key, now, leaseUntil) => {
      if (this.data.scanClaims.put(key, { leaseUntil }, (s) => s === undefined || (s.doneAt === undefined && s.leaseUntil < now))) return 'claimed';
      return this.data.scanClaims.get(key)?.doneAt === undefined ? 'busy' : 'done';
    },
    finish: async (key, at) => {
      if (!this.data.scanClaims.update(key, (s) => ({ ...s, doneAt: at }))) throw conditionFailed();
    },
  };

  readonly rateBudgets: P.RateBudgetRepository = {
    takeUpTo: async (window, wants) => {
      const taken = new Map<Platform, number>();
      for (const w of wants) {
        const key = k(w.platform, window);
        const before = this.data.rateBudgets.get(key)?.taken ?? 0;
        const n = Math.max(0, Math.min(w.wanted, w.limit - before));
        if (n === 0) continue;
        this.data.rateBudgets.put(key, { taken: before + n });
        taken.set(w.platform, n);
      }
      return taken;
    },
  };

  readonly alerts: P.AlertRepository = {
    putIfAbsent: async (a) => this.data.alerts.put(k(a.workspaceId, a.alertId), a, (s) => s === undefined),
    list: async (ws) => this.alertsOf(ws),
    resolveForConnection: async (ws, connectionId, at) => {
      const open = this.alertsOf(ws).filter((a) => a.connectionId === connectionId && !a.resolvedAt);
      for (const a of open) this.data.alerts.update(k(ws, a.alertId), (x) => ({ ...x, resolvedAt: at }), (x) => x.resolvedAt === undefined);
      return open.length;
    },
  };

  readonly oauthStates: P.OAuthStateRepository = {
    put: async (s) => void this.data.oauthStates.put(s.stateHash, s),
    get: async (hash) => this.data.oauthStates.get(hash),
    consume: async (hash, at) => this.data.oauthStates.update(hash, (s) => ({ ...s, usedAt: at }), (s) => s.usedAt === undefined),
  };

  readonly notices: P.NoticeRepository = {
    claim: async (id, now, leaseUntil) => {
      if (this.data.notices.put(id, { state: 'sending', leaseUntil }, (s) => s === undefined || (s.state === 'sending' && (s.leaseUntil ?? '') < now))) return 'claimed';
      return this.data.notices.get(id)?.state === 'sent' ? 'sent' : 'busy';
    },
    // An unconditional update: it creates the record if it is gone, as UpdateItem does.
    markSent: async (id, at) => void this.data.notices.put(id, { state: 'sent', sentAt: at }),
    release: async (id) => void this.data.notices.delete(id),
    state: async (id) => {
      const n = this.data.notices.get(id);
      return n === undefined ? 'none' : n.state === 'sent' ? 'sent' : 'sending';
    },
  };

  readonly platformHealth: P.PlatformHealthRepository = {
    get: async (platform) => this.data.platformHealth.get(platform),
    put: async (h) => void this.data.platformHealth.put(h.platform, h),
  };

  readonly scanRuns: P.ScanRunRepository = {
    start: async (runId, startedAt) => void this.data.scanRuns.put(runId, { runId, startedAt, enqueued: 0, itemsRead: 0, counts: {} }),
    addEnqueued: async (runId, enqueued, itemsRead) => {
      const run = this.run(runId);
      this.data.scanRuns.put(runId, { ...run, enqueued: run.enqueued + enqueued, itemsRead: run.itemsRead + itemsRead });
    },
    addCounts: async (runId, increments) => this.addCounts(runId, increments),
    countPermanent: async (runId: string, platform: Platform, reason: ExpiryReason) => this.addCounts(runId, { [`permanent:${platform}:${reason}`]: 1 }),
    get: async (runId) => this.data.scanRuns.get(runId),
  };

  readonly reconcile: P.ReconcileRepository = {
    list: async (shard, after, limit) => {
      const bound = after ? reconcileBound(after) : undefined;
      return this.reconcileEntries()
        .filter((e) => shardOf(e.connectionId) === shard && (bound === undefined || e.sk > bound))
        .sort((a, b) => a.sk.localeCompare(b.sk))
        .slice(0, limit)
        .map(({ sk: _sk, ...entry }) => entry);
    },
    resolveAlert: async (ws, alertId, at) => this.data.alerts.update(k(ws, alertId), (a) => ({ ...a, resolvedAt: at }), (a) => a.resolvedAt === undefined),
  };

  readonly lists: P.ListRepository = {
    workspacesOwnedBy: async (userId) => this.data.workspaces.all().filter((w) => w.ownerUserId === userId && this.data.members.get(k(w.workspaceId, userId))?.role === 'owner'),
    hubsAdministeredBy: async (userId) => this.data.hubAdmins.all().filter((a) => a.userId === userId).flatMap((a) => this.data.hubs.get(a.hubId) ?? []),
    workspacesInHub: async (hubId) => this.data.workspaces.all().filter((w) => w.hubId === hubId),
    posts: async (ws, q) => {
      const sk = (p: { publishAt: string; postId: string }) => `${p.publishAt}#${p.postId}`;
      const all = this.data.posts.all().filter((p) => p.workspaceId === ws).sort((a, b) => sk(b).localeCompare(sk(a)));
      const after = q.after ? all.filter((p) => sk(p) < sk(q.after!)) : all;
      const kept: Post[] = [];
      let read = 0;
      for (const p of after) {
        if (kept.length >= q.limit) break;
        read++;
        if ((!q.statuses || q.statuses.includes(p.status)) && (q.connectionId === undefined || p.connectionId === q.connectionId)) kept.push(p);
      }
      const last = after[read - 1];
      const more = read < after.length && last !== undefined;
      return { posts: kept, ...(more && last ? { next: { publishAt: last.publishAt, postId: last.postId } } : {}) };
    },
  };

  readonly reconnectLinks: P.ReconnectLinkRepository = {
    put: async (link) => void this.data.links.put(link.tokenHash, link),
    get: async (hash) => this.data.links.get(hash),
    current: async (ws, c) => this.data.currentLinks.get(k(ws, c))?.tokenHash,
    setCurrent: async (ws, c, tokenHash) => void this.data.currentLinks.put(k(ws, c), { tokenHash }),
    consume: async (hash, at) => this.data.links.update(hash, (l) => ({ ...l, usedAt: at }), (l) => l.usedAt === undefined),
  };

  readonly history: P.HistoryRepository = {
    add: async (ws, c, key, event) => this.data.history.put(k(ws, c, key), { key, event, connection: k(ws, c) }, (s) => s === undefined),
    list: async (ws, c) =>
      this.data.history
        .all()
        .filter((h) => h.connection === k(ws, c))
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((h) => h.event),
  };

  private connectionsOf(ws: string): Connection[] {
    return this.data.connections
      .all()
      .filter((c) => c.workspaceId === ws)
      .sort((a, b) => a.connectionId.localeCompare(b.connectionId));
  }

  private alertsOf(ws: string): Alert[] {
    return this.data.alerts
      .all()
      .filter((a) => a.workspaceId === ws)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private run(runId: string): P.ScanRunStats {
    return this.data.scanRuns.get(runId) ?? { runId, startedAt: '', enqueued: 0, itemsRead: 0, counts: {} };
  }

  /** ADD on counters: a missing run or counter starts at zero (UpdateItem creates it). */
  private addCounts(runId: string, increments: Record<string, number>): Record<string, number> {
    const run = this.run(runId);
    const counts = { ...run.counts };
    for (const [name, n] of Object.entries(increments)) if (n !== 0) counts[name] = (counts[name] ?? 0) + n;
    this.data.scanRuns.put(runId, { ...run, counts });
    return counts;
  }

  /** The sparse reconcile index: open expiry / failed-post alerts, claimed and failed posts. */
  private reconcileEntries(): (P.ReconcileEntry & { sk: string })[] {
    const entry = (workspaceId: string, connectionId: string, section: P.ReconcileSection, id: string) => ({
      workspaceId,
      connectionId,
      section,
      id,
      sk: `${workspaceId}#${connectionId}#${SECTION_LETTER[section]}#${id}`,
    });
    const alerts = this.data.alerts
      .all()
      .filter((a) => !a.resolvedAt && a.connectionId && (a.kind === 'connection_expired' || a.kind === 'post_failed'))
      .map((a) => entry(a.workspaceId, a.connectionId!, 'alerts', a.alertId));
    const posts = this.data.posts
      .all()
      .filter((p) => p.status === 'failed' || p.status === 'publishing')
      .map((p) => entry(p.workspaceId, p.connectionId, p.status === 'failed' ? 'failed' : 'claims', p.postId));
    return [...alerts, ...posts];
  }
}

const SECTION_LETTER: Record<P.ReconcileSection, string> = { alerts: 'a', claims: 'c', failed: 'f' };

function reconcileBound(p: P.ReconcilePosition): string {
  const group = `${p.workspaceId}#${p.connectionId}#`;
  if (!p.section) return `${group}~`;
  return p.id === undefined ? `${group}${SECTION_LETTER[p.section]}~` : `${group}${SECTION_LETTER[p.section]}#${p.id}`;
}
