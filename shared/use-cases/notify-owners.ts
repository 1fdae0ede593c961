import { EVENT_TYPES, type ConnectionEventDetail, type EventType } from '../config/events.js';
import { DUE_SHARDS } from '../config/table.js';
import { alertIdFor } from '../domain/alert.js';
import { expiringCauseOf, type Connection } from '../domain/connection.js';
import {
  connectionExpiredErrorCode,
  dashboardAlertMessage,
  renderConnectionExpiredEmail,
  renderConnectionExpiringEmail,
  renderConnectionRestoredEmail,
  renderPostsFailedEmail,
  type FailedPostSummary,
  type RenderedEmail,
} from '../domain/notifications/index.js';
import type { Member, Workspace } from '../domain/workspace.js';
import type { Deps } from './deps.js';
import { recordHistory } from './history.js';
import { preferencesUrlFor, type EmailPreferenceKey } from '../domain/preferences.js';
import { postsAtRiskOf } from './posts-at-risk.js';

type NotifyDeps = Pick<Deps, 'store' | 'mailer' | 'clock' | 'config' | 'log' | 'metrics'>;

const NOTICE_TTL_SECONDS = 90 * 86_400;
/** Shorter than every queue's visibility timeout, so a redelivery finds a crashed sender's lease lapsed. */
const NOTICE_LEASE_MS = 60_000;

export class NoticeInFlightError extends Error {
  override readonly name = 'NoticeInFlightError';
}
const LISTED_POSTS_LOADED = 50;

/**
 * Posts due together fail one by one (the publisher works through them in batches), so an email
 * written at the first failure would count a few of them and the rest would never be mailed. While
 * a post of the connection is still due (and will fail too), an email listing failed posts waits for
 * a later delivery of its message (the queue's visibility timeout), so it counts them all. The expiry
 * email also waits while the newest failure is fresher than this: the post that opened the episode
 * may share its publish batch with others already claimed.
 */
const FAILURES_QUIET_MS = 1_000;
/** Deliveries that may wait; the next one sends what has failed by then (the DLQ takes the 6th receive). */
const MAX_WAITING_DELIVERIES = 3;

/** Failed posts of the connection are still arriving: handle this message again after the visibility timeout. */
export class FailuresStillArrivingError extends NoticeInFlightError {}

export interface NotifyOptions {
  /** The message's receive count (SQS ApproximateReceiveCount); without it, never wait. */
  receiveCount?: number;
}

export function reconnectUrlFor(config: Deps['config'], workspaceId: string, connectionId: string): string {
  return `${config.dashboardOrigin}/app/?workspace=${encodeURIComponent(workspaceId)}&reconnect=${encodeURIComponent(connectionId)}`;
}

/** The dashboard's alerts list, where every failed post has its alert (the emails list only the first ones). */
export function failedPostsUrlFor(config: Deps['config'], workspaceId: string): string {
  return `${config.dashboardOrigin}/app/?workspace=${encodeURIComponent(workspaceId)}#alerts`;
}

/** Notice ids: one email of each kind per owner and episode. */
const noticeIds = {
  expired: (episodeId: string) => `expired.${episodeId}`,
  expiring: (episodeId: string) => `expiring.${episodeId}`,
  restored: (episodeId: string) => `restored.${episodeId}`,
  /** The episode's one email listing failed posts: the expiry email when it listed any, else a later one. */
  failedPosts: (episodeId: string) => `failed-posts.${episodeId}`,
};

/** The episode's dashboard alert of this kind: its id comes from the episode, so a redelivery finds the one it made. */
async function putEpisodeAlert(deps: NotifyDeps, kind: 'connection_expired' | 'connection_expiring', detail: ConnectionEventDetail, message: string, createdAt: string): Promise<void> {
  const { workspaceId, connectionId, episodeId } = detail;
  await deps.store.alerts.putIfAbsent({ workspaceId, alertId: alertIdFor(kind, { connectionId, episodeId }), kind, connectionId, episodeId, message, createdAt });
}

/**
 * Reacts to one connection event from the `alerts` queue: the dashboard alert (ids derived from
 * the episode, so a redelivery finds the one it made) and one email per workspace owner per
 * episode (a claimed notice id; released if sending fails, so the retry sends it). Failed posts
 * are listed in one email per owner and episode: the expiry email when posts had failed by then,
 * else the first `connection.post_failed` after it sends a failed-posts email.
 */
export async function notifyOwners(deps: NotifyDeps, type: EventType, detail: ConnectionEventDetail, opts: NotifyOptions = {}): Promise<{ emailsSent: number }> {
  const mayWait = opts.receiveCount !== undefined && opts.receiveCount <= MAX_WAITING_DELIVERIES;
  const [connection, workspace] = await Promise.all([
    deps.store.connections.get(detail.workspaceId, detail.connectionId),
    deps.store.workspaces.get(detail.workspaceId),
  ]);
  if (!connection || !workspace) return { emailsSent: 0 };
  const owners = (await deps.store.workspaces.listOwners(detail.workspaceId)).filter((o) => o.email);
  const now = deps.clock.now().toISOString();

  if (type === EVENT_TYPES.expired) {
    // A restore that overtook this event: the episode is over, nothing to alert.
    if (connection.status !== 'expired' || connection.episodeId !== detail.episodeId) return { emailsSent: 0 };
    const errorCode = connectionExpiredErrorCode(connection.platform, connection.reason);
    await putEpisodeAlert(deps, 'connection_expired', detail, dashboardAlertMessage({ kind: 'connection_expired', platform: connection.platform, accountName: connection.displayName, reason: connection.reason, errorCode }), now);
    const { failedPosts, failedPostsTotal, newestFailedAt } = await failedPostsOf(deps, connection);
    // A publish failure opened the episode and the posts due with it are still failing: list them all.
    if (mayWait && failedPostsTotal > 0 && (isFresh(deps, newestFailedAt) || (await hasPostsDueNow(deps, connection)))) throw stillArriving();
    const email = renderConnectionExpiredEmail({
      platform: connection.platform,
      accountName: connection.displayName,
      workspaceName: workspace.name,
      reason: connection.reason ?? 'unknown',
      errorCode,
      platformMessage: connection.platformMessage,
      reconnectUrl: reconnectUrlFor(deps.config, workspace.workspaceId, connection.connectionId),
      failedPosts,
      failedPostsTotal,
      failedPostsUrl: failedPostsUrlFor(deps.config, workspace.workspaceId),
      occurredAt: detail.occurredAt,
      skipPostsOlderThanHours: workspace.skipRetriesOlderThanHours,
      ...(await postsAtRiskForEmail(deps, connection)),
      preferencesUrl: preferencesUrlFor(deps.config.dashboardOrigin, workspace.workspaceId),
    });
    // Listing posts makes it the episode's failed-posts email too (marked before the expiry notice,
    // so a connection.post_failed that sees the expiry email sent also sees this).
    const alsoMarkSent = failedPosts.length > 0 ? noticeIds.failedPosts(detail.episodeId) : undefined;
    const sent = await emailOwners(deps, owners, noticeIds.expired(detail.episodeId), email, { alsoMarkSent, about: detail, optOut: { workspaceId: workspace.workspaceId, key: 'connectionExpired' } });
    if (failedPosts.length > 0) {
      // Owners who turned expiry emails off still get the episode's failed-posts email (if they want that one).
      const expiryOff = async (owner: Member) => ((await deps.store.owners.getPreferences(workspace.workspaceId, owner.userId)).email.connectionExpired ? 'skip' : 'send');
      return { emailsSent: sent + (await emailFailedPosts(deps, owners, workspace, connection, detail.episodeId, expiryOff)) };
    }
    // A post that failed after the list above was read, and whose connection.post_failed was handled
    // before this email was claimed, was skipped there ("the expiry email will list it"): it did not.
    // Now that the expiry notices are sent, look again; a later failure finds them sent and emails itself.
    return { emailsSent: sent + (await emailFailedPosts(deps, owners, workspace, connection, detail.episodeId)) };
  }

  if (type === EVENT_TYPES.postFailed) {
    // Reconnected meanwhile: the post is being retried, nothing to ask of the owner.
    if (connection.status !== 'expired' || connection.episodeId !== detail.episodeId) return { emailsSent: 0 };
    // Only after the owner's expiry email: before it, that email is still to come and will list the post.
    const afterExpiryEmail = async (owner: Member): Promise<'send' | 'skip' | 'wait'> => {
      // An owner who turned expiry emails off gets no expiry email to list the posts: this one says it.
      if (!(await deps.store.owners.getPreferences(workspace.workspaceId, owner.userId)).email.connectionExpired) return 'send';
      const expiry = await deps.store.notices.state(`${noticeIds.expired(detail.episodeId)}.${owner.userId}`);
      return expiry === 'sent' ? 'send' : expiry === 'sending' ? 'wait' : 'skip';
    };
    return { emailsSent: await emailFailedPosts(deps, owners, workspace, connection, detail.episodeId, afterExpiryEmail, mayWait) };
  }

  if (type === EVENT_TYPES.expiring) {
    if (connection.status !== 'expiring' || !connection.expiringFor) return { emailsSent: 0 };
    const cause = expiringCauseOf(connection, connection.expiringFor);
    await putEpisodeAlert(deps, 'connection_expiring', detail, dashboardAlertMessage({ kind: 'connection_expiring', platform: connection.platform, accountName: connection.displayName, deadline: connection.expiringFor, cause }), now);
    const email = renderConnectionExpiringEmail({
      platform: connection.platform,
      accountName: connection.displayName,
      workspaceName: workspace.name,
      deadline: connection.expiringFor,
      reconnectUrl: reconnectUrlFor(deps.config, workspace.workspaceId, connection.connectionId),
      cause,
      preferencesUrl: preferencesUrlFor(deps.config.dashboardOrigin, workspace.workspaceId),
    });
    return { emailsSent: await emailOwners(deps, owners, noticeIds.expiring(detail.episodeId), email, { about: detail, optOut: { workspaceId: workspace.workspaceId, key: 'expiringSoon' } }) };
  }

  if (type === EVENT_TYPES.restored) {
    // A late (redelivered or reordered) restore of an earlier episode while a newer one is open: the
    // account is down again, so neither resolve the newer episode's alerts nor say it is back online.
    if (connection.status === 'expired' && connection.episodeId !== detail.episodeId) return { emailsSent: 0 };
    await deps.store.alerts.resolveForConnection(detail.workspaceId, detail.connectionId, now);
    const retried = await countPostsFailedInEpisode(deps, detail);
    const email = renderConnectionRestoredEmail({
      platform: connection.platform,
      accountName: connection.displayName,
      workspaceName: workspace.name,
      retriedPosts: retried,
      preferencesUrl: preferencesUrlFor(deps.config.dashboardOrigin, workspace.workspaceId),
    });
    return { emailsSent: await emailOwners(deps, owners, noticeIds.restored(detail.episodeId), email, { about: detail, optOut: { workspaceId: workspace.workspaceId, key: 'connectionRestored' } }) };
  }
  return { emailsSent: 0 };
}

/** The episode's one failed-posts email (per owner), if any post of the connection is failed. */
async function emailFailedPosts(
  deps: NotifyDeps,
  owners: Member[],
  workspace: Workspace,
  connection: Connection,
  episodeId: string,
  gate?: EmailOptions['gate'],
  mayWait = false,
): Promise<number> {
  // Every owner has had it (the usual case for the later failures of a burst): nothing to load.
  if (!(await anyOwnerStillToEmail(deps, owners, noticeIds.failedPosts(episodeId)))) return 0;
  if (mayWait && (await hasPostsDueNow(deps, connection))) throw stillArriving();
  // Posts due together stay `scheduled` until a publisher fails them: none left means none still to come.
  const { failedPosts, failedPostsTotal } = await failedPostsOf(deps, connection);
  if (failedPosts.length === 0) return 0;
  const email = renderPostsFailedEmail({
    platform: connection.platform,
    accountName: connection.displayName,
    workspaceName: workspace.name,
    reason: connection.reason ?? 'unknown',
    errorCode: connectionExpiredErrorCode(connection.platform, connection.reason),
    reconnectUrl: reconnectUrlFor(deps.config, workspace.workspaceId, connection.connectionId),
    failedPosts,
    failedPostsTotal,
    failedPostsUrl: failedPostsUrlFor(deps.config, workspace.workspaceId),
    skipPostsOlderThanHours: workspace.skipRetriesOlderThanHours,
    preferencesUrl: preferencesUrlFor(deps.config.dashboardOrigin, workspace.workspaceId),
  });
  return emailOwners(deps, owners, noticeIds.failedPosts(episodeId), email, { gate, about: connection, optOut: { workspaceId: workspace.workspaceId, key: 'postsFailed' } });
}

interface EmailOptions {
  /** Decides per owner: send now, skip, or wait (come back later, as for a busy notice). */
  gate?: (owner: Member) => Promise<'send' | 'skip' | 'wait'>;
  /** Another notice prefix this email also settles, marked sent before this one. */
  alsoMarkSent?: string;
  /** The connection the email is about: its history records each email sent. */
  about?: { workspaceId: string; connectionId: string };
  /** The owner's email preference that turns this email off (the dashboard alert is raised regardless). */
  optOut?: { workspaceId: string; key: EmailPreferenceKey };
}

async function emailOwners(deps: NotifyDeps, owners: Member[], noticePrefix: string, email: RenderedEmail, opts: EmailOptions = {}): Promise<number> {
  // Wall-clock time: leases are about real seconds, not the (movable) business clock.
  const now = new Date();
  const ttl = Math.floor(deps.clock.now().getTime() / 1000) + NOTICE_TTL_SECONDS;
  const leaseUntil = new Date(now.getTime() + NOTICE_LEASE_MS).toISOString();
  let sent = 0;
  let busy = 0;
  for (const owner of owners) {
    const gate = opts.gate ? await opts.gate(owner) : 'send';
    if (gate === 'skip') continue;
    if (opts.optOut && !(await deps.store.owners.getPreferences(opts.optOut.workspaceId, owner.userId)).email[opts.optOut.key]) continue;
    if (gate === 'wait') {
      busy++;
      continue;
    }
    const noticeId = `${noticePrefix}.${owner.userId}`;
    const claim = await deps.store.notices.claim(noticeId, now.toISOString(), leaseUntil, ttl);
    if (claim === 'sent') continue;
    if (claim === 'busy') {
      busy++;
      continue;
    }
    try {
      await deps.mailer.send({ ...email, to: owner.email! });
    } catch (error) {
      await deps.store.notices.release(noticeId);
      throw error;
    }
    if (opts.alsoMarkSent) {
      const other = `${opts.alsoMarkSent}.${owner.userId}`;
      if ((await deps.store.notices.claim(other, now.toISOString(), leaseUntil, ttl)) === 'claimed') await deps.store.notices.markSent(other, new Date().toISOString());
    }
    await deps.store.notices.markSent(noticeId, new Date().toISOString());
    if (opts.about) await recordHistory(deps, opts.about, `email_sent#${noticeId}`, { at: deps.clock.now().toISOString(), type: 'email_sent', to: owner.email!, kind: noticePrefix.slice(0, noticePrefix.indexOf('.')) });
    deps.metrics.count('emailsSent', { kind: noticePrefix.slice(0, noticePrefix.indexOf('.')) });
    sent++;
  }
  // Another delivery of this event is sending (or crashed while sending): come back after its lease.
  if (busy > 0) throw new NoticeInFlightError(`${busy} email(s) of ${noticePrefix} are being sent by another worker`);
  return sent;
}

interface FailedPostsFound {
  failedPosts: FailedPostSummary[];
  failedPostsTotal: number;
  /** When the connection's most recent post failure happened (undefined: none). */
  newestFailedAt?: string;
}

async function failedPostsOf(deps: Pick<Deps, 'store'>, c: Connection): Promise<FailedPostsFound> {
  const page = await deps.store.posts.listFailedByConnection(c.connectionId, undefined, LISTED_POSTS_LOADED);
  const posts = (await Promise.all(page.items.map((ref) => deps.store.posts.get(ref.workspaceId, ref.postId)))).filter((p) => p !== undefined);
  const failedPosts = posts.map((p) => ({ postId: p.postId, text: p.text, publishAt: p.publishAt }));
  const latest = (times: (string | undefined)[]) => times.filter((t): t is string => t !== undefined).sort().at(-1);
  if (!page.cursor) return { failedPosts, failedPostsTotal: failedPosts.length, newestFailedAt: latest(posts.map((p) => p.failedAt)) };
  // The rest are only counted (keys-only index pages, oldest failure first), not loaded; the last one is the newest.
  const rest = await countFailedPosts(deps, c.connectionId, page.cursor);
  const newest = rest.last ? await deps.store.posts.get(rest.last.workspaceId, rest.last.postId) : undefined;
  return { failedPosts, failedPostsTotal: failedPosts.length + rest.count, newestFailedAt: latest([...posts.map((p) => p.failedAt), newest?.failedAt]) };
}

/** The newest failure is so recent that a publisher may be failing the next post right now. */
function isFresh(deps: Pick<Deps, 'clock'>, newestFailedAt: string | undefined): boolean {
  return newestFailedAt !== undefined && deps.clock.now().getTime() - Date.parse(newestFailedAt) < FAILURES_QUIET_MS;
}

function stillArriving(): FailuresStillArrivingError {
  return new FailuresStillArrivingError('failed posts are still arriving: the email waits to count them all');
}

/** Pages of the due index read per shard: posts due now are only those being published at this moment. */
const DUE_PAGES_READ = 5;

/** Whether a scheduled post of this connection is due by now (it is about to fail too). */
async function hasPostsDueNow(deps: Pick<Deps, 'store' | 'clock'>, c: Connection): Promise<boolean> {
  const now = deps.clock.now();
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await deps.store.posts.queryDue(shard, now.toISOString(), cursor, 100);
      // The key names the workspace: only this workspace's posts are read, until one of the connection's.
      for (const ref of page.items.filter((i) => i.workspaceId === c.workspaceId)) {
        const p = await deps.store.posts.get(ref.workspaceId, ref.postId);
        if (p?.connectionId === c.connectionId && p.status === 'scheduled') return true;
      }
      cursor = page.cursor;
    } while (cursor && ++pages < DUE_PAGES_READ);
  }
  return false;
}

/** Whether some owner has not had this notice yet (nobody to email: no reason to wait). */
async function anyOwnerStillToEmail(deps: Pick<Deps, 'store'>, owners: Member[], noticePrefix: string): Promise<boolean> {
  const states = await Promise.all(owners.map((o) => deps.store.notices.state(`${noticePrefix}.${o.userId}`)));
  return states.some((s) => s !== 'sent');
}

/**
 * The posts that failed while the connection was down in this episode (each has its post_failed
 * alert for the episode): the number the "back online" note promises to retry. Not the failed-posts
 * index, which the retries empty as they publish, so it would read 0 whenever they win the race.
 */
async function countPostsFailedInEpisode(deps: Pick<Deps, 'store'>, detail: ConnectionEventDetail): Promise<number> {
  const alerts = await deps.store.alerts.list(detail.workspaceId);
  const posts = new Set(alerts.filter((a) => a.kind === 'post_failed' && a.connectionId === detail.connectionId && a.episodeId === detail.episodeId && a.postId).map((a) => a.postId));
  return posts.size;
}

async function countFailedPosts(
  deps: Pick<Deps, 'store'>,
  connectionId: string,
  from?: string,
): Promise<{ count: number; last?: { workspaceId: string; postId: string } }> {
  let count = 0;
  let last: { workspaceId: string; postId: string } | undefined;
  let cursor: string | undefined = from;
  do {
    const page = await deps.store.posts.listFailedByConnection(connectionId, cursor, 1000);
    count += page.items.length;
    last = page.items.at(-1) ?? last;
    cursor = page.cursor;
  } while (cursor);
  return { count, last };
}

/** Posts at risk listed in the expiry email: the next few loaded for their text, the rest counted. */
const AT_RISK_LISTED = 5;

async function postsAtRiskForEmail(deps: Pick<Deps, 'store' | 'clock'>, c: Connection): Promise<{ postsAtRisk?: FailedPostSummary[]; postsAtRiskTotal?: number }> {
  const risk = await postsAtRiskOf(deps, c, deps.clock.now());
  if (!risk || risk.count === 0) return {};
  const posts = await Promise.all(risk.next.slice(0, AT_RISK_LISTED).map((r) => deps.store.posts.get(r.workspaceId, r.postId)));
  const listed = posts.filter((p) => p !== undefined && p.status === 'scheduled').map((p) => ({ postId: p!.postId, text: p!.text, publishAt: p!.publishAt }));
  return { postsAtRisk: listed, postsAtRiskTotal: risk.count };
}
