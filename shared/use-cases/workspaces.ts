import { authorizeWorkspaceAccess, type Actor } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import type { Workspace } from '../domain/workspace.js';
import type { Deps } from './deps.js';

type WsDeps = Pick<Deps, 'store' | 'clock' | 'ids'>;

/** Creates a workspace owned by the caller; with `hubId`, the caller must administer that hub. */
export async function createWorkspace(deps: WsDeps, actor: Actor, input: { name: string; hubId?: string }): Promise<{ workspaceId: string }> {
  if (input.hubId && !(await deps.store.hubs.isAdmin(input.hubId, actor.userId))) {
    throw new AppError('FORBIDDEN', 'Only an admin of that hub can create a workspace in it.');
  }
  const workspaceId = deps.ids.newId();
  const now = deps.clock.now().toISOString();
  await deps.store.workspaces.create(
    { workspaceId, name: input.name, ownerUserId: actor.userId, hubId: input.hubId, createdAt: now },
    { workspaceId, userId: actor.userId, email: actor.email, role: 'owner' },
  );
  return { workspaceId };
}

export async function createHub(deps: WsDeps, actor: Actor, input: { name: string }): Promise<{ hubId: string }> {
  const hubId = deps.ids.newId();
  await deps.store.hubs.create({ hubId, name: input.name, createdAt: deps.clock.now().toISOString() }, actor.userId);
  return { hubId };
}

/** The workspace's owner puts it in a hub the caller administers (or the caller owns the hub's other side). */
export async function addWorkspaceToHub(deps: WsDeps, actor: Actor, hubId: string, workspaceId: string): Promise<void> {
  const [hub, ws] = await Promise.all([deps.store.hubs.get(hubId), deps.store.workspaces.get(workspaceId)]);
  if (!hub) throw new AppError('NOT_FOUND', 'This hub does not exist.');
  if (!ws) throw new AppError('NOT_FOUND', 'This workspace does not exist, or you have no access to it.');
  if (ws.ownerUserId !== actor.userId) throw new AppError('FORBIDDEN', 'Only the workspace owner can put it in a hub.');
  await deps.store.workspaces.setHub(workspaceId, hubId);
}

/** Loads a workspace the actor may act on (owner, or hub admin in the workspace's context). */
export async function workspaceForActor(deps: Pick<Deps, 'store'>, actor: Actor, workspaceId: string, contextWorkspaceId: string | undefined): Promise<Workspace> {
  const ws = await deps.store.workspaces.get(workspaceId);
  const isOwner = ws !== undefined && ws.ownerUserId === actor.userId;
  const isAdminOfWorkspaceHub = ws?.hubId !== undefined && !isOwner ? await deps.store.hubs.isAdmin(ws.hubId, actor.userId) : false;
  authorizeWorkspaceAccess({ workspaceExists: ws !== undefined, isOwner, isAdminOfWorkspaceHub, contextWorkspaceId, workspaceId });
  return ws!;
}
