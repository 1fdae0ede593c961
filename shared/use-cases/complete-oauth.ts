import { EVENT_TYPES, type ConnectionEvent } from '../config/events.js';
import { mayBeDown } from '../domain/platform-status.js';
import { FUNCTIONS } from '../config/functions.js';
import { PLATFORM_LABELS, type Platform } from '../config/platforms.js';
import {
  computeNextCheckAt,
  requireAdminRole,
  restoreConnection,
  type Connection,
  type TokenLifetimes,
} from '../domain/connection.js';
import { AppError, type ErrorCode } from '../domain/errors.js';
import { administeredAs } from '../domain/platform-policy.js';
import { checkState, type OAuthState } from '../domain/oauth-state.js';
import { browserSecretMatches, hashState } from '../domain/oauth-secrets.js';
import type { PlatformFailure, PlatformIdentity, TokenSet } from '../ports/platform.js';
import type { AccountClaim } from '../domain/account-claim.js';
import { openTokens, tokenAadFor } from './tokens.js';
import { redirectUriFor, type Deps } from './deps.js';
import { saveConnection } from './save-connection.js';
import { recordHistory } from './history.js';
import { announceExpired } from './announce-expired.js';
import { expiringEpisodeId } from '../domain/episode.js';
import { workspaceForActor } from './workspaces.js';

export type OAuthOutcome = { result: 'connected' | 'restored'; connectionId: string };

export interface CallbackQuery {
  state?: string;
  code?: string;
  error?: string;
  errorDescription?: string;
  /** The value of the state's binding cookie in the browser that opened the callback, if any. */
  browserSecret?: string;
}

type CompleteDeps = Pick<Deps, 'store' | 'platforms' | 'clock' | 'config' | 'cipher' | 'bus' | 'ids' | 'log' | 'metrics'>;

const STATE_MESSAGES: Record<'STATE_INVALID' | 'STATE_EXPIRED' | 'STATE_USED', string> = {
  STATE_INVALID: 'This sign-in link is not valid. Go back to Connected Accounts and click Connect or Reconnect again.',
  STATE_EXPIRED: 'This sign-in took longer than 10 minutes and expired. Go back to Connected Accounts and click Reconnect again.',
  STATE_USED: 'This sign-in was already completed. Go back to Connected Accounts to see the result, or click Reconnect to start again.',
};

const OTHER_BROWSER_MESSAGE =
  'This sign-in was started in another browser (or this browser blocked or cleared its cookie), so nothing was changed. Finish the sign-in in the browser where you clicked Connect or Reconnect, or start again from Connected Accounts in this one.';

/**
 * The person said no on the platform's screen: `access_denied` (OAuth; Facebook and Instagram add
 * `error_reason=user_denied`), LinkedIn's `user_cancelled_authorize` (refused the permissions) and
 * `user_cancelled_login` (declined to sign in).
 */
const USER_CANCELLED = new Set(['access_denied', 'user_denied', 'user_cancelled_login', 'user_cancelled_authorize']);

function fail(code: ErrorCode, message: string, connectionId?: string): never {
  throw Object.assign(new AppError(code, message), { connectionId });
}

function platformFailure(platform: Platform, f: PlatformFailure, step: string, connectionId?: string): never {
  const label = PLATFORM_LABELS[platform];
  if (f.kind === 'integration') {
    fail('INTEGRATION_PROBLEM', `${label} is refusing Flamel's app itself right now (a problem on our side, not with your account). Nothing was changed; we have been alerted. Try again later.`, connectionId);
  }
  if (f.kind === 'transient') {
    fail('PLATFORM_UNAVAILABLE', `${label} did not answer while ${step}. ${mayBeDown(label, 'click Reconnect again')}`, connectionId);
  }
  fail('ACCESS_DENIED', `${label} refused the sign-in while ${step}. Click Reconnect and complete the ${label} permissions screen again.`, connectionId);
}

function lifetimesOf(platform: Platform, tokens: TokenSet, previous?: Connection): TokenLifetimes {
  // LinkedIn without a refresh token (only approved partners get one): the access token's 60 days
  // are the consent's end, a hard deadline shown and warned about, and nothing is ever refreshed.
  if (platform === 'linkedin' && tokens.refreshToken === undefined) return { accessTokenExpiresAt: undefined, refreshTokenExpiresAt: undefined, consentExpiresAt: tokens.accessTokenExpiresAt };
  return {
    // A per-account token (Facebook Page token, derived from a long-lived user token) does not expire
    // with the user token: only a password change, a lost role or a de-authorisation ends it, which
    // the checks read from the platform's answers. The user token's ~60 days are no deadline then.
    accessTokenExpiresAt: tokens.accountToken ? undefined : tokens.accessTokenExpiresAt,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    // LinkedIn: the refresh token's end is the end of the consent, one year from the first grant.
    consentExpiresAt: platform === 'linkedin' ? tokens.refreshTokenExpiresAt ?? previous?.consentExpiresAt : undefined,
  };
}

/** The person who started the sign-in may still act on its workspace (owner, or admin of its hub): access can be lost mid-sign-in. */
async function assertActorStillAllowed(deps: CompleteDeps, s: OAuthState): Promise<void> {
  try {
    // The state was issued in the workspace's context, so a hub admin counts as in context here.
    await workspaceForActor(deps, { userId: s.actorUserId }, s.workspaceId, s.workspaceId);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    fail(
      'FORBIDDEN',
      'The Flamel user who started this sign-in no longer has access to this workspace, so nothing was changed. Ask the workspace owner for access, then start again from Connected Accounts.',
      s.connectionId,
    );
  }
}

/**
 * Finishes a connect or reconnect:
 * 1. the state must be known, unexpired, for this platform, opened in the browser that started it
 *    (its binding cookie), by someone who may still act on the workspace; then it is consumed by a
 *    conditional write. A refusal before that point consumes nothing: whoever lacks the cookie cannot
 *    burn the state of the person who has it;
 * 2. the platform's `error` (e.g. access_denied) ends here;
 * 3. the code is exchanged and the signed-in identity and its admin role read;
 * 4. reconnect: another account -> WRONG_ACCOUNT (nothing changes); no admin role -> ADMIN_ROLE_REQUIRED
 *    (stays or becomes expired, reason admin_role_lost; but a connection whose stored access still
 *    works is left unchanged: the sign-in was someone else's, e.g. a Page editor); else tokens replaced, active, episode closed, `connection.restored`;
 *    a connection removed meanwhile stays removed (NOT_FOUND);
 * 5. connect: an account already connected here is restored in place; else a new connection (one per
 *    account and workspace, see connectNew), which inherits the failed posts of the same account
 *    removed earlier from this workspace.
 */
export async function completeOAuth(deps: CompleteDeps, platform: Platform, query: CallbackQuery): Promise<OAuthOutcome> {
  const seen: { state?: OAuthState } = {};
  // A refused reconnect (after its state was used: a real attempt) is in the history, once per sign-in.
  return finishOAuth(deps, platform, query, seen).catch(async (error: unknown) => {
    const s = seen.state;
    if (s?.connectionId && error instanceof AppError) await recordHistory(deps, { workspaceId: s.workspaceId, connectionId: s.connectionId }, `reconnect_failed#${s.stateHash}`, { at: deps.clock.now().toISOString(), type: 'reconnect_failed', code: error.code, ...(s.viaLink ? { viaLink: true } : {}) });
    throw error;
  });
}

async function finishOAuth(deps: CompleteDeps, platform: Platform, query: CallbackQuery, seen: { state?: OAuthState }): Promise<OAuthOutcome> {
  const now = deps.clock.now();
  if (!query.state || query.state.length > 512) fail('STATE_INVALID', STATE_MESSAGES.STATE_INVALID);
  const stateHash = hashState(query.state);
  const state = await deps.store.oauthStates.get(stateHash);
  const check = checkState(state, platform, now);
  if (!check.ok) fail(check.code, STATE_MESSAGES[check.code], state?.connectionId);
  const s = state as OAuthState;
  if (!browserSecretMatches(query.browserSecret, s.browserSecretHash)) fail('STATE_INVALID', OTHER_BROWSER_MESSAGE, s.connectionId);
  await assertActorStillAllowed(deps, s);
  deps = { ...deps, log: deps.log.with({ workspaceId: s.workspaceId, connectionId: s.connectionId }) };
  if (!(await deps.store.oauthStates.consume(stateHash, now.toISOString()))) fail('STATE_USED', STATE_MESSAGES.STATE_USED, s.connectionId);
  seen.state = s;

  const label = PLATFORM_LABELS[platform];
  if (query.error !== undefined) {
    if (USER_CANCELLED.has(query.error)) {
      fail('ACCESS_DENIED', `You cancelled the ${label} permissions screen, so nothing changed. Click ${s.mode === 'reconnect' ? 'Reconnect' : 'Connect'} and choose Allow to finish.`, s.connectionId);
    }
    // Only an OAuth-style error code is repeated back; free text from the query is never shown.
    const named = /^[a-z0-9_.-]{1,64}$/i.test(query.error) ? ` with "${query.error}"` : '';
    fail('ACCESS_DENIED', `${label} ended the sign-in${named}. Click ${s.mode === 'reconnect' ? 'Reconnect' : 'Connect'} to try again.`, s.connectionId);
  }
  if (!query.code || query.code.length > 2048) fail('VALIDATION_FAILED', `${label} sent no authorization code back. Click Reconnect to try again.`, s.connectionId);

  const adapter = deps.platforms[platform];
  const exchanged = await adapter.exchangeCode({ code: query.code, redirectUri: redirectUriFor(deps.config, platform), codeVerifier: s.codeVerifier });
  if (!exchanged.ok) platformFailure(platform, exchanged.failure, 'exchanging the sign-in code', s.connectionId);

  const existing = s.connectionId ? await deps.store.connections.get(s.workspaceId, s.connectionId) : undefined;
  const identified = await adapter.identify(exchanged.value, existing?.externalAccountId);
  if (!identified.ok) platformFailure(platform, identified.failure, 'reading the signed-in account', s.connectionId);
  const identity = identified.value;
  const tokens: TokenSet = { ...exchanged.value, ...(identity.accountToken ? { accountToken: identity.accountToken } : {}) };

  if (s.mode === 'reconnect') {
    if (!existing || existing.status === 'removed') fail('NOT_FOUND', REMOVED_MESSAGE, s.connectionId);
    return reconnect(deps, existing, identity, tokens, now);
  }

  const sameAccount = (await deps.store.connections.findByAccount(s.workspaceId, platform, identity.externalAccountId)).filter((c) => c.status !== 'removed');
  if (sameAccount[0]) return reconnect(deps, sameAccount[0], identity, tokens, now, 'connected');
  if (!identity.isAdmin) fail('ADMIN_ROLE_REQUIRED', adminRequiredMessage(platform, identity.displayName));
  return connectNew(deps, s, identity, tokens, now);
}

const REMOVED_MESSAGE = 'This connection was removed. Add the account again from Connected Accounts.';

function adminRequiredMessage(platform: Platform, name: string): string {
  const where = administeredAs(platform) ?? 'Page';
  return `The ${PLATFORM_LABELS[platform]} account you signed in with is not an admin of the ${where} "${name}". Get your admin role on the ${where} back first (ask a current admin), then click Reconnect.`;
}

async function reconnect(
  deps: CompleteDeps,
  existing: Connection,
  identity: PlatformIdentity,
  tokens: TokenSet,
  now: Date,
  resultWhenActive: 'connected' | 'restored' = 'restored',
): Promise<OAuthOutcome> {
  const label = PLATFORM_LABELS[existing.platform];
  if (identity.externalAccountId !== existing.externalAccountId) {
    fail(
      'WRONG_ACCOUNT',
      `You signed in to ${label} as "${identity.displayName}", but this connection is "${existing.displayName}". Nothing was changed. Sign in to ${label} as the admin of "${existing.displayName}" first (a private browser window helps), then click Reconnect.${
        administeredAs(existing.platform) === undefined
          ? ''
          : ` If that was the right ${label} account, it may have lost its role on the ${administeredAs(existing.platform)}: get the admin role back first.`
      }`,
      existing.connectionId,
    );
  }
  if (!identity.isAdmin) {
    if (existing.status !== 'expired' && !(await storedAccessLost(deps, existing))) {
      // Someone without the admin role signed in (e.g. an editor of the Page) while the connection's
      // own access still works: refuse, and change nothing.
      fail(
        'ADMIN_ROLE_REQUIRED',
        `${adminRequiredMessage(existing.platform, existing.displayName)} The connection itself still works and was not changed.`,
        existing.connectionId,
      );
    }
    const outcome = await saveConnection(deps, existing.workspaceId, existing.connectionId, (c) => {
      const d = requireAdminRole(c, deps.ids.newId(), now);
      return d.connection === c ? undefined : d.connection;
    });
    const after = outcome?.connection;
    if (outcome?.changed && after && outcome.previous.status !== 'expired' && after.status === 'expired' && after.episodeId) {
      deps.metrics.count('expiries', { platform: after.platform, reason: after.reason ?? 'admin_role_lost' });
      await announceExpired(deps, after, now);
    }
    fail('ADMIN_ROLE_REQUIRED', adminRequiredMessage(existing.platform, existing.displayName), existing.connectionId);
  }
  const sealed = await deps.cipher.seal(JSON.stringify(tokens), tokenAadFor(existing));
  const outcome = await saveConnection(deps, existing.workspaceId, existing.connectionId, (c) =>
    restoreConnection(c, sealed, lifetimesOf(c.platform, tokens, c), identity.displayName, now),
  );
  // Removed while this sign-in was under way: it stays removed.
  if (!outcome?.changed) fail('NOT_FOUND', REMOVED_MESSAGE, existing.connectionId);
  const before = outcome.previous;
  if (before.status === 'expired' || before.status === 'expiring') {
    deps.metrics.count('restores', { platform: before.platform });
    const episodeId = before.status === 'expired' ? before.episodeId : expiringEpisodeId(before.connectionId, before.expiringFor ?? '');
    await recordHistory(deps, before, `restored#${episodeId ?? outcome.connection.version}`, { at: now.toISOString(), type: 'restored', episodeId: episodeId ?? '' });
    await deps.bus.publish([
      {
        type: EVENT_TYPES.restored,
        detail: { workspaceId: before.workspaceId, connectionId: before.connectionId, platform: before.platform, occurredAt: now.toISOString(), episodeId: episodeId ?? deps.ids.newId() },
      },
    ]);
    return { result: 'restored', connectionId: before.connectionId };
  }
  return { result: resultWhenActive, connectionId: before.connectionId };
}

/** The connection's stored access fails on the platform (any expiry reason); a transient answer, or our token store failing, is not a loss. */
async function storedAccessLost(deps: CompleteDeps, c: Connection): Promise<boolean> {
  // Tokens we cannot open (TokenStoreUnavailableError, ours) say nothing about the account: it throws,
  // the sign-in ends with INTERNAL ("try again") and nothing is expired.
  const stored = await openTokens(deps.cipher, c);
  if (!stored) return true;
  const check = await deps.platforms[c.platform].checkAccess(stored, c.externalAccountId);
  return !check.ok && check.failure.kind === 'expired';
}

async function connectNew(deps: CompleteDeps, s: OAuthState, identity: PlatformIdentity, tokens: TokenSet, now: Date): Promise<OAuthOutcome> {
  const connectionId = deps.ids.newId();
  const base: Connection = {
    workspaceId: s.workspaceId,
    connectionId,
    platform: s.platform,
    externalAccountId: identity.externalAccountId,
    displayName: identity.displayName,
    status: 'active',
    ...lifetimesOf(s.platform, tokens),
    lastUsedAt: now.toISOString(),
    lastCheckedAt: now.toISOString(),
    transientFailures: 0,
    version: 1,
    connectedAt: now.toISOString(),
    connectedBy: s.actorUserId,
    tokens: await deps.cipher.seal(JSON.stringify(tokens), tokenAadFor({ workspaceId: s.workspaceId, connectionId })),
  };
  const connection: Connection = { ...base, nextCheckAt: computeNextCheckAt(base, now) };
  const holder = await claimAccount(deps, connection);
  // Lost the race to a simultaneous sign-in of the same account (two tabs, a double click): ours
  // becomes a reconnect of the winner's connection rather than a second connection.
  if (holder) return reconnect(deps, holder, identity, tokens, now, 'connected');
  await deps.store.connections.create(connection);
  await recordHistory(deps, connection, `connected#${connectionId}`, { at: now.toISOString(), type: 'connected' });
  const relinked = await relinkFailedPosts(deps, connection);
  const events: ConnectionEvent[] = [
    {
      type: EVENT_TYPES.connected,
      detail: { workspaceId: s.workspaceId, connectionId, platform: s.platform, occurredAt: now.toISOString(), episodeId: `connected-${connectionId}` },
    },
  ];
  await deps.bus.publish(events);
  deps.log.info('connection created', { workspaceId: s.workspaceId, connectionId, platform: s.platform, relinkedPosts: relinked });
  return { result: 'connected', connectionId };
}

/**
 * A claim whose connection does not exist this long after it was written is dead (the writer
 * crashed between the claim and the connection): longer than the callback may run.
 */
const DEAD_CLAIM_AFTER_MS = 2 * FUNCTIONS.oauthCallback.timeoutSeconds * 1000;
const CLAIM_ATTEMPTS = 8;

/**
 * One connection per account and workspace without transactions: first a conditional claim of the
 * account (workspace + platform + account id), then the connection itself. Returns undefined when
 * `connection` may be created, else the live connection holding the account. A claim whose
 * connection was removed (removal frees it; a crash before that leaves it pointing at a removed
 * connection), or was never written within DEAD_CLAIM_AFTER_MS, is taken over with a
 * compare-and-set, so a crash never blocks the account for good. A claim younger than that with no
 * connection yet is a winner writing it right now: wait for it.
 */
async function claimAccount(deps: CompleteDeps, connection: Connection): Promise<Connection | undefined> {
  const claim: AccountClaim = {
    workspaceId: connection.workspaceId,
    platform: connection.platform,
    externalAccountId: connection.externalAccountId,
    connectionId: connection.connectionId,
    claimedAt: deps.clock.now().toISOString(),
  };
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
    const holder = await deps.store.connections.claimAccount(claim);
    if (!holder) return undefined;
    const held = await deps.store.connections.get(holder.workspaceId, holder.connectionId);
    if (held && held.status !== 'removed') return held;
    const dead = held !== undefined || deps.clock.now().getTime() - Date.parse(holder.claimedAt) > DEAD_CLAIM_AFTER_MS;
    if (dead && (await deps.store.connections.takeOverAccountClaim(claim, holder))) {
      deps.log.warn('account claim taken over', { workspaceId: claim.workspaceId, from: holder.connectionId, to: claim.connectionId });
      return undefined;
    }
    if (!dead) await new Promise((r) => setTimeout(r, 50 * attempt));
  }
  fail('CONFLICT', `Another sign-in of this ${PLATFORM_LABELS[connection.platform]} account is finishing right now. Refresh Connected Accounts in a moment to see it.`);
}

/** "Remove the account, then add it fresh": the removed connection's failed posts move to the new one. */
async function relinkFailedPosts(deps: Pick<Deps, 'store'>, connection: Connection): Promise<number> {
  const removed = (await deps.store.connections.findByAccount(connection.workspaceId, connection.platform, connection.externalAccountId)).filter(
    (c) => c.status === 'removed' && c.connectionId !== connection.connectionId,
  );
  let moved = 0;
  for (const old of removed) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.posts.listFailedByConnection(old.connectionId, cursor);
      for (const ref of page.items) {
        const post = await deps.store.posts.get(ref.workspaceId, ref.postId);
        if (!post || post.status !== 'failed' || post.connectionId !== old.connectionId) continue;
        await deps.store.posts.transition({ ...post, connectionId: connection.connectionId }, ['failed'], post.version).then(
          () => moved++,
          () => undefined, // changed meanwhile (e.g. being published): leave it
        );
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return moved;
}
