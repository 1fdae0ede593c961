import type { Actor } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import { countConnections, decodePostsToken, encodePostsToken, storedStatusesOf, type ConnectionCounts, type PublicPostStatus } from '../domain/lists.js';
import type { Deps } from './deps.js';
import { postView, type PostView } from './posts.js';

/** The dashboard's lists (CONTRACT.md, "Lists the dashboard needs"). */

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name);
}

export async function listOwnedWorkspaces(deps: Pick<Deps, 'store'>, actor: Actor): Promise<{ workspaceId: string; name: string; role: 'owner' }[]> {
  const owned = await deps.store.lists.workspacesOwnedBy(actor.userId);
  return owned.sort(byName).map((w) => ({ workspaceId: w.workspaceId, name: w.name, role: 'owner' }));
}

export async function listAdministeredHubs(deps: Pick<Deps, 'store'>, actor: Actor): Promise<{ hubId: string; name: string }[]> {
  const hubs = await deps.store.lists.hubsAdministeredBy(actor.userId);
  return hubs.sort(byName).map((h) => ({ hubId: h.hubId, name: h.name }));
}

/** A hub's client workspaces with their connections counted as Connected Accounts shows them; its admins only. */
export async function listHubWorkspaces(
  deps: Pick<Deps, 'store' | 'clock'>,
  actor: Actor,
  hubId: string,
): Promise<{ workspaceId: string; name: string; connections: ConnectionCounts }[]> {
  const [hub, isAdmin] = await Promise.all([deps.store.hubs.get(hubId), deps.store.hubs.isAdmin(hubId, actor.userId)]);
  if (!hub) throw new AppError('NOT_FOUND', 'This hub does not exist.');
  if (!isAdmin) throw new AppError('FORBIDDEN', 'Only an admin of this hub can list its workspaces.');
  const workspaces = (await deps.store.lists.workspacesInHub(hubId)).sort(byName);
  const now = deps.clock.now();
  return Promise.all(
    workspaces.map(async (w) => ({
      workspaceId: w.workspaceId,
      name: w.name,
      connections: countConnections(await deps.store.connections.listByWorkspace(w.workspaceId), now),
    })),
  );
}

export type ListedPost = PostView & { text: string; publishedAt?: string };

export const POSTS_PAGE_DEFAULT = 50;
export const POSTS_PAGE_MAX = 100;

/** One page of a workspace's posts, newest `publishAt` first (the caller has passed the workspace's access rules). */
export async function listPosts(
  deps: Pick<Deps, 'store'>,
  workspaceId: string,
  query: { connectionId?: string; status?: PublicPostStatus; nextToken?: string; limit?: number },
): Promise<{ posts: ListedPost[]; nextToken?: string }> {
  const filters = { workspaceId, connectionId: query.connectionId, status: query.status };
  const after = query.nextToken === undefined ? undefined : decodePostsToken(query.nextToken, filters);
  if (query.nextToken !== undefined && !after) {
    throw new AppError('VALIDATION_FAILED', 'Invalid nextToken: use the nextToken of the previous page, with the same filters.');
  }
  const page = await deps.store.lists.posts(workspaceId, {
    ...(query.status ? { statuses: storedStatusesOf(query.status) } : {}),
    ...(query.connectionId !== undefined ? { connectionId: query.connectionId } : {}),
    ...(after ? { after: { publishAt: after.publishAt, postId: after.postId } } : {}),
    limit: query.limit ?? POSTS_PAGE_DEFAULT,
  });
  return {
    posts: page.posts.map((p) => ({ ...postView(p), text: p.text, ...(p.publishedAt ? { publishedAt: p.publishedAt } : {}) })),
    ...(page.next ? { nextToken: encodePostsToken({ ...filters, ...page.next }) } : {}),
  };
}
