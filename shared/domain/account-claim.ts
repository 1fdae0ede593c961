import type { Platform } from '../config/platforms.js';

/** "This account is connected in this workspace, as this connection": at most one per account and workspace. */
export interface AccountClaim {
  workspaceId: string;
  platform: Platform;
  externalAccountId: string;
  connectionId: string;
  claimedAt: string;
  /** Set when its connection was removed: the account is free to be connected afresh. */
  releasedAt?: string;
}
