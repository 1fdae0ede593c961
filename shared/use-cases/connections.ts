import { EVENT_TYPES, type ExpiryReason } from '../config/events.js';
import { PLATFORM_LABELS, type Platform } from '../config/platforms.js';
import { badgeOf, currentView, expiringCauseOf, type Badge, type Connection, type ConnectionStatus } from '../domain/connection.js';
import { AppError, NotFoundError } from '../domain/errors.js';
import { expiringGuidance, guidanceFor } from '../domain/guidance.js';
import { policyFor } from '../domain/platform-policy.js';
import { OAUTH_STATE_TTL_MINUTES } from '../domain/oauth-state.js';
import { connectionExpiredErrorCode } from '../domain/notifications/error-code.js';
import { hashState, newBrowserBinding, newPkcePair, newStateValue, type BrowserBinding } from '../domain/oauth-secrets.js';
import type { Actor } from '../domain/access.js';
import { platformStatusMessage, statusOf, type PlatformStatus } from '../domain/platform-status.js';
import { redirectUriFor, type Deps } from './deps.js';
import { saveConnection } from './save-connection.js';
import { postsAtRiskOf, type PostsAtRisk } from './posts-at-risk.js';

export interface ConnectionView {
  connectionId: string;
  platform: Platform;
  externalAccountId: string;
  displayName: string;
  status: Exclude<ConnectionStatus, 'removed'>;
  badge: Badge;
  reason?: ExpiryReason;
  guidance?: string;
  expiresAt?: string;
  lastCheckedAt?: string;
  /** The platform's own words when it dropped, and the code to quote to support. */
  errorCode?: string;
  platformMessage?: string;
  platformOutageSuspected?: boolean;
  /** While the platform is not `ok` for everyone (contract: Platform incidents). */
  platformStatus?: Exclude<PlatformStatus, 'ok'>;
  /** Expired and expiring rows: the scheduled posts of the next 7 days that will not go out unless the owner acts. */
  postsAtRisk?: { count: number; nextPublishAt?: string };
}


/** The date the owner must act by: not a short access token the system refreshes by itself. */
function expiresAtOf(c: Connection): string | undefined {
  return c.expiringFor ?? c.consentExpiresAt ?? c.refreshTokenExpiresAt ?? (policyFor(c.platform).canRefresh ? undefined : c.accessTokenExpiresAt);
}

/** Connected Accounts: every connection not removed, with its badge and the guidance that fits. */
export async function listConnectedAccounts(deps: Pick<Deps, 'store' | 'clock'>, workspaceId: string): Promise<ConnectionView[]> {
  const now = deps.clock.now();
  const connections = (await deps.store.connections.listByWorkspace(workspaceId))
    .filter((c) => c.status !== 'removed')
    .map((c) => ({ ...c, ...currentView(c, now) }));
  const platforms = [...new Set(connections.map((c) => c.platform))];
  const health = new Map(await Promise.all(platforms.map(async (p) => [p, await deps.store.platformHealth.get(p)] as const)));
  // Posts at risk: one bounded Query per expired or expiring connection (./posts-at-risk.ts).
  const atRisk = new Map(await Promise.all(connections.map(async (c) => [c.connectionId, await postsAtRiskOf(deps, c, now)] as const)));
  return connections
    .sort((a, b) => a.connectedAt.localeCompare(b.connectedAt))
    .map((c) => {
      const status = c.status as Exclude<ConnectionStatus, 'removed'>;
      const platformStatus = statusOf(health.get(c.platform));
      const outage = platformStatus === 'outage';
      let guidance: string | undefined;
      if (status === 'expired') guidance = guidanceFor(c.platform, c.reason);
      else if (status === 'expiring' && c.expiringFor) guidance = expiringGuidance(c.platform, c.expiringFor, expiringCauseOf(c, c.expiringFor));
      if (outage) {
        guidance = `${guidance ? `${guidance} ` : ''}${platformStatusMessage(c.platform, 'outage')}`;
      }
      return {
        connectionId: c.connectionId,
        platform: c.platform,
        externalAccountId: c.externalAccountId,
        displayName: c.displayName,
        status,
        badge: badgeOf(status),
        ...(status === 'expired' ? { reason: c.reason ?? 'unknown', errorCode: connectionExpiredErrorCode(c.platform, c.reason) } : {}),
        ...(status === 'expired' && c.platformMessage ? { platformMessage: c.platformMessage } : {}),
        ...(guidance ? { guidance } : {}),
        ...(expiresAtOf(c) ? { expiresAt: expiresAtOf(c) } : {}),
        ...(c.lastCheckedAt ? { lastCheckedAt: c.lastCheckedAt } : {}),
        ...(outage ? { platformOutageSuspected: true } : {}),
        ...(platformStatus !== 'ok' ? { platformStatus } : {}),
        ...postsAtRiskField(atRisk.get(c.connectionId)),
      };
    });
}

function postsAtRiskField(r: PostsAtRisk | undefined): Pick<ConnectionView, 'postsAtRisk'> {
  if (!r) return {};
  return { postsAtRisk: { count: r.count, ...(r.nextPublishAt ? { nextPublishAt: r.nextPublishAt } : {}) } };
}

type StartDeps = Pick<Deps, 'store' | 'platforms' | 'clock' | 'config'>;

/** A started sign-in: the URL for the browser, and the cookie that browser must bring back to the callback. */
export interface StartedSignIn {
  authorizeUrl: string;
  platform: Platform;
  browserBinding: BrowserBinding;
}

export async function issueAuthorizeUrl(
  deps: StartDeps,
  actor: Actor,
  platform: Platform,
  workspaceId: string,
  mode: 'connect' | 'reconnect',
  connectionId?: string,
  viaLink?: boolean,
): Promise<StartedSignIn> {
  const adapter = deps.platforms[platform];
  const state = newStateValue();
  const browserBinding = newBrowserBinding(state);
  const pkce = adapter.usesPkce ? newPkcePair() : undefined;
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + OAUTH_STATE_TTL_MINUTES * 60_000);
  await deps.store.oauthStates.put(
    {
      stateHash: hashState(state),
      platform,
      workspaceId,
      connectionId,
      mode,
      actorUserId: actor.userId,
      browserSecretHash: browserBinding.secretHash,
      codeVerifier: pkce?.verifier,
      ...(viaLink ? { viaLink } : {}),
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    },
    // Kept (as "used") for twice its life so a replay still answers STATE_USED, then TTL may delete it.
    Math.floor(expiresAt.getTime() / 1000) + OAUTH_STATE_TTL_MINUTES * 60,
  );
  const authorizeUrl = adapter.buildAuthorizeUrl({ state, redirectUri: redirectUriFor(deps.config, platform), codeChallenge: pkce?.challenge });
  return { authorizeUrl, platform, browserBinding };
}

export async function startConnect(deps: StartDeps, actor: Actor, workspaceId: string, platform: Platform): Promise<StartedSignIn> {
  return issueAuthorizeUrl(deps, actor, platform, workspaceId, 'connect');
}

export async function startReconnect(deps: StartDeps, actor: Actor, workspaceId: string, connectionId: string): Promise<StartedSignIn> {
  const c = await deps.store.connections.get(workspaceId, connectionId);
  if (!c || c.status === 'removed') throw new NotFoundError('This connection');
  return issueAuthorizeUrl(deps, actor, c.platform, workspaceId, 'reconnect', connectionId);
}

/** Removes a connection: its tokens are destroyed (the sealed blob is deleted from the item). */
export async function removeConnection(deps: Pick<Deps, 'store' | 'clock' | 'bus'>, workspaceId: string, connectionId: string): Promise<void> {
  const now = deps.clock.now();
  const outcome = await saveConnection(deps, workspaceId, connectionId, (c) => {
    if (c.status === 'removed') return undefined;
    return {
      ...c,
      status: 'removed',
      tokens: undefined,
      nextCheckAt: undefined,
      leaseUntil: undefined,
      removedAt: now.toISOString(),
    };
  });
  if (!outcome) throw new NotFoundError('This connection');
  const c = outcome.connection;
  // The account is free to be connected afresh (after the removal is stored: never the other way round).
  await deps.store.connections.releaseAccountClaim(workspaceId, c.platform, c.externalAccountId, connectionId, now.toISOString());
  // Its alerts are moot once it is gone (adding the account again starts afresh).
  await deps.store.alerts.resolveForConnection(workspaceId, connectionId, now.toISOString());
  if (outcome.changed) {
    await deps.bus.publish([
      {
        type: EVENT_TYPES.removed,
        detail: {
          workspaceId,
          connectionId,
          platform: outcome.connection.platform,
          occurredAt: now.toISOString(),
          episodeId: outcome.connection.episodeId ?? `removed-${connectionId}`,
        },
      },
    ]);
  }
}

export function assertPlatformUsable(platform: string): asserts platform is Platform {
  if (!(platform in PLATFORM_LABELS)) throw new AppError('VALIDATION_FAILED', `Unknown platform "${platform}".`);
}
