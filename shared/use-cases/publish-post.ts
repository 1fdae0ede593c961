import { EVENT_TYPES } from '../config/events.js';
import { PLATFORM_LABELS } from '../config/platforms.js';
import { alertIdFor } from '../domain/alert.js';
import { canClaimForPublish, RATE_LIMITED, type Post } from '../domain/post.js';
import { HELD_TOO_LATE, lateRetryDecision, SKIPPED_TOO_LATE } from '../domain/late-posts.js';
import { VersionConflictError } from '../domain/errors.js';
import type { Connection } from '../domain/connection.js';
import type { PlatformFailure, PublishRequest, TokenSet } from '../ports/platform.js';
import type { Deps } from './deps.js';
import { expireWithReason } from './expire.js';
import { connectionExpiredErrorCode } from '../domain/notifications/error-code.js';
import type { PublishMessage } from './posts.js';
export type { PublishMessage };
import { accessTokenStale, refreshConnectionTokens } from './refresh.js';
import { openTokens, TokenStoreUnavailableError } from './tokens.js';
import { reportIntegrationProblem, reportPlatformWorks } from './platform-status.js';
import { statusOf, type PlatformHealth } from '../domain/platform-status.js';
import { recordHistory } from './history.js';
import { excerpt, formatUtc } from '../domain/notifications/format.js';
import { saveConnection } from './save-connection.js';

export type PublishOutcome =
  | { outcome: 'published'; platformPostId: string }
  | { outcome: 'already_done'; status: Post['status'] }
  | { outcome: 'failed_waiting_for_reconnect' }
  | { outcome: 'failed_permanent'; message: string }
  | { outcome: 'skipped_busy' }
  | { outcome: 'held' }
  | { outcome: 'deferred'; until: string };

/** Thrown so the queue redelivers later (outage, 429): the post keeps its place. */
export class TransientPublishError extends Error {
  override readonly name = 'TransientPublishError';
}

type PublishDeps = Pick<Deps, 'store' | 'platforms' | 'cipher' | 'clock' | 'bus' | 'ids' | 'log' | 'metrics'>;
const CLAIM_SECONDS = 120;

/**
 * Publishes one post at most once:
 * 1. a post already published (or permanently failed) is left alone;
 * 2. a post whose connection is expired goes (back) to `failed` with a `post_failed` alert and waits for the restore;
 * 3. a conditional claim (`publishing`, version-checked) keeps a duplicate message from publishing in parallel;
 * 4. an auth error marks the post failed and the connection expired with the reason read from the error
 *    (one the platform says a refresh may cure is first refreshed, saved and retried once);
 * 5. a transient error returns the post to where it was and throws, so the queue retries it.
 */
export async function publishPost(deps: PublishDeps, msg: PublishMessage): Promise<PublishOutcome> {
  deps = { ...deps, log: deps.log.with({ workspaceId: msg.workspaceId, postId: msg.postId }) };
  const now = deps.clock.now();
  const post = await deps.store.posts.get(msg.workspaceId, msg.postId);
  if (!post) return { outcome: 'failed_permanent', message: 'post not found' };
  if (post.status === 'published' || post.status === 'failed_permanent') return { outcome: 'already_done', status: post.status };
  if (!canClaimForPublish(post, now)) return { outcome: 'skipped_busy' };

  const found = await deps.store.connections.get(post.workspaceId, post.connectionId);
  if (!found || found.status === 'removed') {
    // Waits as failed: adding the same account again re-links it and retries it.
    if (post.status !== 'failed') await markFailed(deps, post, undefined, 'CONNECTION_REMOVED', 'The account was removed from Connected Accounts. Add it again and this post retries automatically.');
    return { outcome: 'failed_waiting_for_reconnect' };
  }
  let connection: Connection = found;
  const label = PLATFORM_LABELS[connection.platform];
  if (connection.status === 'expired') {
    if (post.status !== 'failed' || post.failedEpisodeId !== connection.episodeId) {
      const marked = await markFailed(deps, post, connection.episodeId, connectionExpiredErrorCode(connection.platform, connection.reason), `${label} access has expired. This post will retry automatically once the account is reconnected.`);
      await retryIfRestoredMeanwhile(deps, connection);
      if (marked) await announcePostFailed(deps, connection, post.postId);
    }
    return { outcome: 'failed_waiting_for_reconnect' };
  }
  // Late posts after a restore (skipRetriesOlderThanHours, stalePosts): retried, held or skipped;
  // never again once the owner asked to publish it now.
  if (msg.retry && !post.releasedByOwnerAt) {
    const ws = await deps.store.workspaces.get(post.workspaceId);
    const late = lateRetryDecision(post, { skipRetriesOlderThanHours: ws?.skipRetriesOlderThanHours, stalePosts: ws?.stalePosts }, now);
    if (late.action === 'skip') {
      await settle(deps, post, { ...post, status: 'failed_permanent', lastError: { code: SKIPPED_TOO_LATE, message: late.message } });
      await recordHistory(deps, connection, `post_retried#${post.postId}#${msg.attemptKey}`, { at: now.toISOString(), type: 'post_retried', postId: post.postId, status: 'failed_permanent' });
      return { outcome: 'failed_permanent', message: 'skipped: too late' };
    }
    if (late.action === 'hold') {
      await settle(deps, post, { ...post, status: 'held', claimUntil: undefined, lastError: { code: HELD_TOO_LATE, message: late.message } });
      return { outcome: 'held' };
    }
  }

  // The platform asked us to slow down for this account: the post waits for the reset without a
  // call (each of a restore's posts asking again would only earn more 429s).
  const pausedUntil = connection.publishPausedUntil;
  if (pausedUntil !== undefined && Date.parse(pausedUntil) > now.getTime()) {
    if (post.status === 'scheduled' && post.retryAt === pausedUntil) return { outcome: 'deferred', until: pausedUntil };
    await settle(deps, post, deferred(post, pausedUntil, label));
    return { outcome: 'deferred', until: pausedUntil };
  }

  const claim: Post = { ...post, status: 'publishing', claimUntil: new Date(now.getTime() + CLAIM_SECONDS * 1000).toISOString(), attempts: post.attempts + 1 };
  let claimed: Post;
  try {
    claimed = await deps.store.posts.transition(claim, [post.status], post.version);
  } catch (error) {
    if (error instanceof VersionConflictError) return { outcome: 'skipped_busy' };
    throw error;
  }
  // Where it waits if this attempt cannot finish (outage, 429, a refresh in progress): a post that is
  // not waiting for a reconnect (the connection is up) waits as `scheduled`, so publish-due picks it up
  // again whatever happens to this message (a retry after a restore that keeps failing past the
  // queue's maxReceiveCount would otherwise stay `failed` with nothing left to retry it).
  const returnTo: Post['status'] = 'scheduled';

  let tokens = await openTokens(deps.cipher, connection).catch((e: unknown) => (e instanceof TokenStoreUnavailableError ? e : Promise.reject(e)));
  if (tokens instanceof TokenStoreUnavailableError) return handleFailure(deps, claimed, returnTo, connection, { kind: 'transient', message: 'Our token store did not answer; retrying shortly' }, undefined, 'token_store');
  if (!tokens) {
    await markFailed(deps, claimed, connection.episodeId, 'CONNECTION_REMOVED', `${label} access is missing. Reconnect the account and this post retries automatically.`);
    return { outcome: 'failed_waiting_for_reconnect' };
  }
  const adapter = deps.platforms[connection.platform];
  let refreshedNow = false;
  if (accessTokenStale(tokens, now) && adapter.canRefresh) {
    const refreshed = await refreshOrWait(deps, claimed, returnTo, connection, tokens);
    if ('outcome' in refreshed) return refreshed;
    ({ tokens, connection } = refreshed);
    refreshedNow = true;
  }

  const health = await deps.store.platformHealth.get(connection.platform);
  const request: PublishRequest = { externalAccountId: connection.externalAccountId, text: post.text, mediaUrl: post.mediaUrl, ...(post.tiktok ? { tiktok: post.tiktok } : {}) };
  let result = await adapter.publish(tokens, request);
  // A refusal a refresh may cure (the access token aged early): refresh once, then try once more.
  if (!result.ok && result.failure.kind === 'expired' && result.failure.refreshAndRetry && adapter.canRefresh && !refreshedNow) {
    const refreshed = await refreshOrWait(deps, claimed, returnTo, connection, tokens);
    if ('outcome' in refreshed) return refreshed;
    ({ tokens, connection } = refreshed);
    result = await adapter.publish(tokens, request);
  }
  if (!result.ok) return handleFailure(deps, claimed, returnTo, connection, result.failure, health);
  // Published with our app's credentials: an app-level problem is over (a blast-radius hold is
  // ended by the re-check of a held connection instead: see the scan).
  if (health?.integrationProblem && health.integrationProblem.cause !== 'blast_radius') await reportPlatformWorks(deps, connection.platform, health);

  await settle(deps, claimed, {
    ...claimed,
    retryAt: undefined,
    status: 'published',
    platformPostId: result.value.platformPostId,
    publishedAt: now.toISOString(),
    claimUntil: undefined,
    lastError: undefined,
    failedEpisodeId: undefined,
  });
  // Keep-warm bookkeeping: a publish is use. Recorded at most hourly (a burst of retries would
  // otherwise race on the connection item); best effort: a lost race changes nothing that matters.
  if (!connection.lastPublishedAt || now.getTime() - Date.parse(connection.lastPublishedAt) > 3_600_000) {
    const fresh = await deps.store.connections.get(connection.workspaceId, connection.connectionId);
    if (fresh && fresh.status !== 'removed') await deps.store.connections.update({ ...fresh, lastUsedAt: now.toISOString(), lastPublishedAt: now.toISOString() }, fresh.version).catch(() => undefined);
  }
  // A retry deferred by a rate limit goes out through publish-due: still a retry of its episode.
  const retryOf = msg.retry ? msg.attemptKey : post.failedEpisodeId;
  if (retryOf !== undefined) await recordHistory(deps, connection, `post_retried#${post.postId}#${retryOf}`, { at: now.toISOString(), type: 'post_retried', postId: post.postId, status: 'published' });
  return { outcome: 'published', platformPostId: result.value.platformPostId };
}

/**
 * Refreshes before (or, after a refusal a refresh may cure, instead of) failing: the rotated tokens
 * are saved by refreshConnectionTokens, so the old refresh token is never needed again. Returns the
 * new tokens, or how this attempt ends (a refused refresh; another worker refreshing: retry shortly).
 */
async function refreshOrWait(
  deps: PublishDeps,
  claimed: Post,
  returnTo: Post['status'],
  connection: Connection,
  tokens: TokenSet,
): Promise<{ tokens: TokenSet; connection: Connection } | PublishOutcome> {
  const refreshed = await refreshConnectionTokens(deps, connection, tokens);
  if (refreshed.kind === 'refreshed') {
    deps.metrics.count('refreshes', { platform: connection.platform });
    return { tokens: refreshed.tokens, connection: refreshed.connection };
  }
  if (refreshed.kind === 'failed') return handleFailure(deps, claimed, returnTo, connection, refreshed.failure);
  await settle(deps, claimed, { ...claimed, status: returnTo, claimUntil: undefined });
  throw new TransientPublishError('Another worker is refreshing this connection; retrying shortly');
}

async function handleFailure(
  deps: PublishDeps,
  claimed: Post,
  returnTo: Post['status'],
  used: Connection,
  failure: PlatformFailure,
  health?: PlatformHealth,
  source: 'platform' | 'token_store' = 'platform',
): Promise<PublishOutcome> {
  if (failure.kind === 'transient' && failure.retryAfterSeconds !== undefined && failure.retryAfterSeconds > 0) {
    const until = new Date(deps.clock.now().getTime() + Math.min(failure.retryAfterSeconds, MAX_DEFER_SECONDS) * 1000).toISOString();
    deps.metrics.count('transientFailures', { platform: used.platform, kind: 'rate_limited' });
    await pausePublishing(deps, used, until);
    await settle(deps, claimed, deferred(claimed, until, PLATFORM_LABELS[used.platform]));
    return { outcome: 'deferred', until };
  }
  if (failure.kind === 'integration') await reportIntegrationProblem(deps, used.platform, failure.cause, failure.message, health);
  // While the platform is not ok for everyone, an auth error is not this account's: the post waits.
  const held = failure.kind === 'expired' && statusOf(health) === 'integration_problem';
  if (failure.kind === 'transient' || failure.kind === 'integration' || held) {
    deps.metrics.count('transientFailures', { platform: used.platform, kind: failure.kind === 'transient' ? source : 'integration' });
    // An app-level refusal is ours to fix: the post waits like in an outage, nothing expires.
    const code = failure.kind === 'integration' || held ? 'INTEGRATION_PROBLEM' : source === 'token_store' ? 'INTERNAL' : 'PLATFORM_UNAVAILABLE';
    if (failure.kind !== 'transient' || failure.unrecognised) deps.log.warn('publish refused for our app or with an unrecognised answer', { platform: used.platform, connectionId: used.connectionId, postId: claimed.postId, status: failure.status, message: failure.message });
    await settle(deps, claimed, { ...claimed, status: returnTo, claimUntil: undefined, lastError: { code, message: failure.message.slice(0, 300) } });
    throw new TransientPublishError(failure.message);
  }
  if (failure.kind === 'rejected') {
    await settle(deps, claimed, { ...claimed, status: 'failed_permanent', claimUntil: undefined, lastError: { code: failure.code ?? 'PLATFORM_REJECTED', message: failure.message.slice(0, 300) } });
    return { outcome: 'failed_permanent', message: failure.message };
  }
  const failIn = (c: Connection) =>
    markFailed(
      deps,
      claimed,
      c.episodeId,
      connectionExpiredErrorCode(c.platform, c.reason ?? failure.reason),
      `${PLATFORM_LABELS[c.platform]} refused the post: access has expired (${failure.message.slice(0, 200)}). It will retry automatically once the account is reconnected.`,
    );
  // The post is marked failed before the episode is announced, so the expiry alert and email list it.
  let failedBeforeAnnouncing = false;
  const expired = await expireWithReason(deps, used.workspaceId, used.connectionId, failure.reason, failure.message, used.tokens?.ciphertext, async (c) => {
    failedBeforeAnnouncing = await failIn(c);
  });
  if (expired?.stale) {
    // The account was reconnected while this publish used the old tokens: retry with the new ones.
    await settle(deps, claimed, { ...claimed, status: returnTo, claimUntil: undefined });
    throw new TransientPublishError('Access was renewed during the publish; retrying with the new tokens');
  }
  const c = expired?.connection ?? used;
  const failed = failedBeforeAnnouncing || (await failIn(c));
  await retryIfRestoredMeanwhile(deps, c);
  // Unless this publish opened the episode (and announced it after marking the post), the expiry
  // email may have gone out without this post: the alerts worker decides whether to send another.
  if (failed && !expired?.opened) await announcePostFailed(deps, c, claimed.postId);
  return { outcome: 'failed_waiting_for_reconnect' };
}

/**
 * The post was marked failed in the episode it saw; if a reconnect closed that episode meanwhile, the
 * restore's fan-out may have listed the failed posts before this one joined them, and nothing would
 * retry it: throw so the queue redelivers the message, which then publishes with the new access.
 */
async function retryIfRestoredMeanwhile(deps: Pick<Deps, 'store'>, seen: Connection): Promise<void> {
  const now = await deps.store.connections.get(seen.workspaceId, seen.connectionId);
  if (!now || now.status === 'removed') return;
  if (now.status !== 'expired' || now.episodeId !== seen.episodeId) {
    throw new TransientPublishError('The connection was restored while this post was being marked failed; retrying it now');
  }
}

/** `connection.post_failed`: the alerts worker sends the episode's failed-posts email if the expiry email did not list them. */
async function announcePostFailed(deps: Pick<Deps, 'bus' | 'clock'>, c: Connection, postId: string): Promise<void> {
  if (c.status !== 'expired' || !c.episodeId) return;
  await deps.bus.publish([
    {
      type: EVENT_TYPES.postFailed,
      detail: { workspaceId: c.workspaceId, connectionId: c.connectionId, platform: c.platform, reason: c.reason ?? 'unknown', occurredAt: deps.clock.now().toISOString(), episodeId: c.episodeId, postId },
    },
  ]);
}

/** A rate limit's wait is the platform's to say, within reason (a day at most). */
const MAX_DEFER_SECONDS = 86_400;

/** Back to `scheduled`, taken again by publish-due at `until`; a retry keeps its episode. */
function deferred(post: Post, until: string, label: string): Post {
  return { ...post, status: 'scheduled', claimUntil: undefined, retryAt: until, lastError: { code: RATE_LIMITED, message: `${label} asked us to slow down for this account. This post goes out after ${formatUtc(until)}.` } };
}

/** Records the pause on the account (a later pause wins); a removed account is left alone. */
async function pausePublishing(deps: Pick<Deps, 'store'>, used: Connection, until: string): Promise<void> {
  await saveConnection(deps, used.workspaceId, used.connectionId, (c) =>
    c.status === 'removed' || (c.publishPausedUntil !== undefined && c.publishPausedUntil >= until) ? undefined : { ...c, publishPausedUntil: until },
  ).catch((e: unknown) => {
    // Still contended after its retries: the other posts find out with their own 429, one each.
    if (!(e instanceof VersionConflictError)) throw e;
  });
}

async function settle(deps: Pick<Deps, 'store'>, current: Post, next: Post): Promise<void> {
  await deps.store.posts.update(next, current.version);
}

/** The post waits as `failed` in this episode, with a `post_failed` alert (once per post and episode). */
async function markFailed(deps: Pick<Deps, 'store' | 'clock'>, post: Post, episodeId: string | undefined, code: string, message: string): Promise<boolean> {
  const now = deps.clock.now().toISOString();
  const latest = await deps.store.posts.get(post.workspaceId, post.postId);
  if (!latest || latest.status === 'published' || latest.status === 'failed_permanent') return false;
  await deps.store.posts.update(
    { ...latest, status: 'failed', failedEpisodeId: episodeId, failedAt: now, claimUntil: undefined, lastError: { code, message } },
    latest.version,
  );

  await deps.store.alerts.putIfAbsent({
    workspaceId: latest.workspaceId,
    alertId: alertIdFor('post_failed', { postId: latest.postId, episodeId: episodeId ?? 'none' }),
    kind: 'post_failed',
    connectionId: latest.connectionId,
    postId: latest.postId,
    episodeId,
    message: `Post "${excerpt(latest.text, 60)}" failed: ${message}`,
    createdAt: now,
  });
  return true;
}
