import { DUE_SHARDS } from '../config/table.js';
import { isoWeekOf } from '../domain/iso-week.js';
import { renderWeeklyDigestEmail, type DigestConnection, type DigestPost } from '../domain/notifications/digest-email.js';
import type { Post } from '../domain/post.js';
import { preferencesUrlFor } from '../domain/preferences.js';
import type { Member } from '../domain/workspace.js';
import { listConnectedAccounts } from './connections.js';
import type { Deps } from './deps.js';

type DigestDeps = Pick<Deps, 'store' | 'mailer' | 'clock' | 'config' | 'log' | 'metrics'>;

/** Kept past the week so a late re-run still finds the claim. */
const DIGEST_CLAIM_TTL_SECONDS = 30 * 86_400;
const DIGEST_LEASE_MS = 60_000;
const WEEK_MS = 7 * 86_400_000;

/** One digest per owner, workspace and ISO week: the notice id is the conditional claim. */
export function digestNoticeId(workspaceId: string, week: string, userId: string): string {
  return `digest.${workspaceId}.${week}.${userId}`;
}

export interface DigestSummary {
  week: string;
  workspaces: number;
  sent: number;
}

/**
 * The weekly digest (Scheduler weekly in AWS; `POST /local/digest` locally): visits every workspace
 * by the roster in the `lists` index (no Scan) and emails each owner who keeps weeklyDigest on.
 * A re-run in the same ISO week sends nothing twice.
 */
export async function sendWeeklyDigests(deps: DigestDeps): Promise<DigestSummary> {
  const now = deps.clock.now();
  const { week } = isoWeekOf(now);
  let workspaces = 0;
  let sent = 0;
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.owners.listWorkspaceIds(shard, cursor);
      for (const workspaceId of page.items) {
        workspaces++;
        sent += await sendDigestFor(deps, workspaceId, now, week);
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return { week, workspaces, sent };
}

async function sendDigestFor(deps: DigestDeps, workspaceId: string, now: Date, week: string): Promise<number> {
  const workspace = await deps.store.workspaces.get(workspaceId);
  if (!workspace) return 0;
  const owners = (await deps.store.workspaces.listOwners(workspaceId)).filter((o) => o.email);
  const wanted: Member[] = [];
  for (const o of owners) if ((await deps.store.owners.getPreferences(workspaceId, o.userId)).email.weeklyDigest) wanted.push(o);
  const pending: Member[] = [];
  for (const o of wanted) if ((await deps.store.notices.state(digestNoticeId(workspaceId, week, o.userId))) !== 'sent') pending.push(o);
  if (pending.length === 0) return 0;

  const since = new Date(now.getTime() - WEEK_MS).toISOString();
  const inWeek = (t: string | undefined) => t !== undefined && t >= since && t <= now.toISOString();
  const [views, alerts, posts] = await Promise.all([
    listConnectedAccounts(deps, workspaceId),
    deps.store.alerts.list(workspaceId),
    deps.store.owners.postsOfWorkspace(workspaceId),
  ]);
  const byId = new Map(views.map((v) => [v.connectionId, v]));
  const toDigest = (id: string | undefined): DigestConnection | undefined => {
    const v = id === undefined ? undefined : byId.get(id);
    return v && { platform: v.platform, accountName: v.displayName, status: v.status, ...(v.expiresAt ? { deadline: v.expiresAt } : {}), ...(v.postsAtRisk ? { postsAtRisk: v.postsAtRisk.count } : {}) };
  };
  const expiries = alerts.filter((a) => a.kind === 'connection_expired');
  const unique = (list: (DigestConnection | undefined)[]) => [...new Map(list.filter((c) => c !== undefined).map((c) => [`${c.platform}.${c.accountName}`, c])).values()];
  const dropped = unique(expiries.filter((a) => inWeek(a.createdAt)).map((a) => toDigest(a.connectionId)));
  const cameBack = unique(expiries.filter((a) => inWeek(a.resolvedAt)).map((a) => toDigest(a.connectionId)));
  const failedOnce = new Set(alerts.filter((a) => a.kind === 'post_failed' && a.postId).map((a) => a.postId));
  const platformOf = (p: Post) => byId.get(p.connectionId)?.platform;
  const digestPost = (p: Post, at: string): DigestPost[] => {
    const platform = platformOf(p);
    return platform ? [{ platform, text: p.text, at }] : [];
  };
  const published = posts.filter((p) => p.status === 'published' && inWeek(p.publishedAt));
  const email = renderWeeklyDigestEmail({
    workspaceName: workspace.name,
    week,
    connections: views.map((v) => toDigest(v.connectionId)!),
    dropped,
    cameBack,
    failed: posts.filter((p) => (p.status === 'failed' || p.status === 'failed_permanent' || p.status === 'held') && (inWeek(p.failedAt) || inWeek(p.publishAt))).flatMap((p) => digestPost(p, p.publishAt)),
    retried: published.filter((p) => failedOnce.has(p.postId)).flatMap((p) => digestPost(p, p.publishedAt!)),
    published: published.filter((p) => !failedOnce.has(p.postId)).flatMap((p) => digestPost(p, p.publishedAt!)),
    dashboardUrl: `${deps.config.dashboardOrigin}/app/?workspace=${encodeURIComponent(workspaceId)}`,
    preferencesUrl: preferencesUrlFor(deps.config.dashboardOrigin, workspaceId),
  });
  const headers = digestHeaders(preferencesUrlFor(deps.config.dashboardOrigin, workspaceId));
  let sent = 0;
  for (const owner of pending) {
    const noticeId = digestNoticeId(workspaceId, week, owner.userId);
    const wall = new Date();
    const claim = await deps.store.notices.claim(noticeId, wall.toISOString(), new Date(wall.getTime() + DIGEST_LEASE_MS).toISOString(), Math.floor(now.getTime() / 1000) + DIGEST_CLAIM_TTL_SECONDS);
    if (claim !== 'claimed') continue;
    try {
      await deps.mailer.send({ ...email, to: owner.email!, headers });
    } catch (error) {
      await deps.store.notices.release(noticeId);
      deps.log.error('weekly digest not sent', { workspaceId, userId: owner.userId, error: String(error) });
      continue;
    }
    await deps.store.notices.markSent(noticeId, new Date().toISOString());
    deps.metrics.count('emailsSent', { kind: 'digest' });
    sent++;
  }
  return sent;
}

/** RFC 2369 List-Unsubscribe towards the owner's preferences (mail clients show an unsubscribe link). */
export function digestHeaders(preferencesUrl: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${preferencesUrl}>` };
}
