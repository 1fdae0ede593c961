import type { Platform, TikTokPrivacyLevel } from '../config/platforms.js';

export type PostStatus = 'scheduled' | 'publishing' | 'published' | 'failed' | 'failed_permanent';

export interface Post {
  workspaceId: string;
  postId: string;
  connectionId: string;
  text: string;
  mediaUrl?: string;
  /** TikTok: the audience the owner chose; checked against the creator's options at publish time. */
  tiktok?: { privacyLevel: TikTokPrivacyLevel };
  publishAt: string;
  status: PostStatus;
  attempts: number;
  platformPostId?: string;
  lastError?: { code: string; message: string };
  /** The expiry episode it failed in (its retry after the restore is de-duplicated by post + episode). */
  failedEpisodeId?: string;
  failedAt?: string;
  publishedAt?: string;
  /** A publisher holds it until then. */
  claimUntil?: string;
  createdAt: string;
  createdBy: string;
  version: number;
}

/** Platforms whose posts must say who can see them (TikTok's creator-chosen privacy level). */
export const AUDIENCE_REQUIRED: readonly Platform[] = ['tiktok'];

/** Platforms that cannot publish text alone. */
export const MEDIA_REQUIRED: readonly Platform[] = ['instagram', 'tiktok'];

/** The contract's view: `publishing` is an internal step and shows as `scheduled`. */
export function publicPostStatus(status: PostStatus): Exclude<PostStatus, 'publishing'> {
  return status === 'publishing' ? 'scheduled' : status;
}

/** Whether a post may be (re)claimed for publishing now. */
export function canClaimForPublish(p: Post, now: Date): boolean {
  if (p.status === 'scheduled' || p.status === 'failed') return true;
  return p.status === 'publishing' && p.claimUntil !== undefined && Date.parse(p.claimUntil) < now.getTime();
}

/**
 * The per-workspace option "skip posts older than N hours" (default: publish late posts anyway,
 * as the help page promises).
 */
export function isTooLateToRetry(p: Post, skipOlderThanHours: number | undefined, now: Date): boolean {
  if (skipOlderThanHours === undefined) return false;
  return now.getTime() - Date.parse(p.publishAt) > skipOlderThanHours * 3_600_000;
}
