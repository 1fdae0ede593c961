import { AppError } from './errors.js';

export interface Actor {
  userId: string;
  email?: string;
}

export interface WorkspaceAccessFacts {
  workspaceExists: boolean;
  isOwner: boolean;
  /** The workspace belongs to a hub the actor administers. */
  isAdminOfWorkspaceHub: boolean;
  /** Value of the `X-Workspace-Context` header, if any. */
  contextWorkspaceId?: string;
  workspaceId: string;
}

/**
 * Owners act on their workspaces. A hub admin acts on a workspace of its hub only after switching
 * into that workspace's context (the help page: "switching into that workspace's context first").
 */
export function authorizeWorkspaceAccess(f: WorkspaceAccessFacts): void {
  if (!f.workspaceExists) throw new AppError('NOT_FOUND', 'This workspace does not exist, or you have no access to it.');
  if (f.isOwner) return;
  if (f.isAdminOfWorkspaceHub) {
    if (f.contextWorkspaceId === f.workspaceId) return;
    throw new AppError(
      'WORKSPACE_CONTEXT_REQUIRED',
      'Hub admins must switch into this workspace\'s context first (send the X-Workspace-Context header with the workspace id).',
    );
  }
  throw new AppError('FORBIDDEN', 'Only the workspace owner, or a hub admin in the workspace\'s context, can do this.');
}
