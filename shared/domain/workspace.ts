import type { StalePostsSetting } from './late-posts.js';

/** A Flamel workspace: its connections, posts and owners live under it. */
export interface Workspace {
  workspaceId: string;
  name: string;
  ownerUserId: string;
  hubId?: string;
  /** Per-workspace option: skip retrying posts older than this many hours (default: retry all). */
  skipRetriesOlderThanHours?: number;
  /** What a restore does with posts long past their time (default: retry them). */
  stalePosts?: StalePostsSetting;
  createdAt: string;
}

/** A person of a workspace; owners get its emails. */
export interface Member {
  workspaceId: string;
  userId: string;
  email?: string;
  role: 'owner';
}

/** An agency's hub: its admins act on the workspaces in it (after switching into their context). */
export interface Hub {
  hubId: string;
  name: string;
  createdAt: string;
}
