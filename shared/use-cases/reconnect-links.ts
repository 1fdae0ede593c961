import type { Actor } from '../domain/access.js';
import { AppError, NotFoundError } from '../domain/errors.js';
import { renderReconnectLinkEmail } from '../domain/notifications/reconnect-link.js';
import { hashState } from '../domain/oauth-secrets.js';
import { checkLink, isWellFormedLinkToken, LINK_PATH_PREFIX, LINK_TTL_HOURS, linkExpiresAt, newLinkToken, type LinkRefusal, type ReconnectLink } from '../domain/reconnect-link.js';
import type { Workspace } from '../domain/workspace.js';
import { issueAuthorizeUrl, type StartedSignIn } from './connections.js';
import type { Deps } from './deps.js';
import { recordHistory } from './history.js';
import { workspaceForActor } from './workspaces.js';

type LinkDeps = Pick<Deps, 'store' | 'clock' | 'config' | 'mailer' | 'platforms' | 'log'>;

/**
 * Creates the connection's reconnect link (domain/reconnect-link.ts) for an owner or a hub admin in
 * context (the caller checked access to `ws`); it replaces any older link. With `email`, it is sent
 * there too, saying who asked. The secret is in the returned URL only; the table keeps its hash.
 */
export async function createReconnectLink(deps: LinkDeps, actor: Actor, ws: Workspace, connectionId: string, email?: string): Promise<{ url: string; expiresAt: string }> {
  const c = await deps.store.connections.get(ws.workspaceId, connectionId);
  if (!c || c.status === 'removed') throw new NotFoundError('This connection');
  const now = deps.clock.now();
  const token = newLinkToken();
  const link: ReconnectLink = {
    tokenHash: hashState(token),
    workspaceId: ws.workspaceId,
    connectionId,
    platform: c.platform,
    createdBy: actor.userId,
    createdAt: now.toISOString(),
    expiresAt: linkExpiresAt(now),
  };
  // Kept past its end, so a late visit still hears "expired" / "used" rather than "not valid".
  await deps.store.reconnectLinks.put(link, Math.floor(Date.parse(link.expiresAt) / 1000) + LINK_TTL_HOURS * 3600);
  await deps.store.reconnectLinks.setCurrent(ws.workspaceId, connectionId, link.tokenHash);
  await recordHistory(deps, c, `link_created#${link.tokenHash}`, { at: link.createdAt, type: 'link_created', by: actor.email ?? actor.userId, expiresAt: link.expiresAt, ...(email ? { emailedTo: email } : {}) });
  const url = `${deps.config.apiBaseUrl}${LINK_PATH_PREFIX}${token}`;
  if (email) {
    const rendered = renderReconnectLinkEmail({
      platform: c.platform,
      accountName: c.displayName,
      workspaceName: ws.name,
      ...(c.status === 'expired' ? { reason: c.reason ?? 'unknown' } : {}),
      askedBy: actor.email ?? 'A Flamel user',
      url,
      expiresAt: link.expiresAt,
    });
    await deps.mailer.send({ ...rendered, to: email });
    await recordHistory(deps, c, `email_sent#link#${link.tokenHash}`, { at: now.toISOString(), type: 'email_sent', to: email, kind: 'reconnect_link' });
  }
  return { url, expiresAt: link.expiresAt };
}

/** Every outstanding link of the connection stops working. */
export async function revokeReconnectLinks(deps: Pick<Deps, 'store' | 'clock'>, actor: Actor, ws: Workspace, connectionId: string): Promise<void> {
  const c = await deps.store.connections.get(ws.workspaceId, connectionId);
  if (!c || c.status === 'removed') throw new NotFoundError('This connection');
  const current = await deps.store.reconnectLinks.current(ws.workspaceId, connectionId);
  if (!current) return;
  await deps.store.reconnectLinks.setCurrent(ws.workspaceId, connectionId, undefined);
  await recordHistory(deps, c, `links_revoked#${current}`, { at: deps.clock.now().toISOString(), type: 'links_revoked', by: actor.email ?? actor.userId });
}

export type OpenedLink = { ok: true; started: StartedSignIn } | { ok: false; code: LinkRefusal; platform?: ReconnectLink['platform'] };

/**
 * Opening a link: if it may still be used, it is used up (a conditional write, so two tabs cannot
 * both start) and a reconnect starts exactly as the Reconnect button's, in this browser, on behalf
 * of the link's creator (the callback re-checks that they may still act on the workspace).
 */
export async function openReconnectLink(deps: LinkDeps, token: string): Promise<OpenedLink> {
  if (!isWellFormedLinkToken(token)) return { ok: false, code: 'LINK_INVALID' };
  const link = await deps.store.reconnectLinks.get(hashState(token));
  if (!link) return { ok: false, code: 'LINK_INVALID' };
  const now = deps.clock.now();
  const c = await deps.store.connections.get(link.workspaceId, link.connectionId);
  const current = await deps.store.reconnectLinks.current(link.workspaceId, link.connectionId);
  const creatorMayAct = await workspaceForActor(deps, { userId: link.createdBy }, link.workspaceId, link.workspaceId).then(
    () => true,
    (e: unknown) => (e instanceof AppError ? false : Promise.reject(e)),
  );
  const check = checkLink(link, current, c !== undefined && c.status !== 'removed' && creatorMayAct, now);
  if (!check.ok) return { ok: false, code: check.code, platform: link.platform };
  if (!(await deps.store.reconnectLinks.consume(link.tokenHash, now.toISOString()))) return { ok: false, code: 'LINK_USED', platform: link.platform };
  await recordHistory(deps, link, `link_used#${link.tokenHash}`, { at: now.toISOString(), type: 'link_used' });
  const started = await issueAuthorizeUrl(deps, { userId: link.createdBy }, link.platform, link.workspaceId, 'reconnect', link.connectionId, true);
  return { ok: true, started };
}

/** Was this callback's sign-in started from a reconnect link? Then its browser lands on the link page, not the dashboard. */
export async function startedByLink(deps: Pick<Deps, 'store'>, state: string | undefined): Promise<boolean> {
  if (!state || state.length > 512) return false;
  return (await deps.store.oauthStates.get(hashState(state)))?.viaLink === true;
}
