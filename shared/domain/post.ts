import type { Platform, TikTokPrivacyLevel } from '../config/platforms.js';

/** `held`: late after a restore and kept for the owner (stalePosts policy `hold`): publish-now or delete. */
export type PostStatus = 'scheduled' | 'publishing' | 'published' | 'failed' | 'failed_permanent' | 'held';

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
  /** The owner asked to publish it now (publish-now): no late-post policy holds or skips it again. */
  releasedByOwnerAt?: string;
  /** The platform asked us to slow down: publish-due takes it again then (publishAt stays the owner's). */
  retryAt?: string;
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
/** A post's lastError code while it waits out a platform's rate limit. */
export const RATE_LIMITED = 'PLATFORM_RATE_LIMITED';

/** When publish-due should take a scheduled post: its time, or later if the platform asked us to wait. */
export function publishDueAt(p: Pick<Post, 'publishAt' | 'retryAt'>): string {
  return p.retryAt !== undefined && p.retryAt > p.publishAt ? p.retryAt : p.publishAt;
}

export function canClaimForPublish(p: Post, now: Date): boolean {
  if (p.status === 'scheduled' || p.status === 'failed') return true;
  return p.status === 'publishing' && p.claimUntil !== undefined && Date.parse(p.claimUntil) < now.getTime();
}

/**
 * The per-workspace option "skip posts older than N hours" (default: publish late posts anyway,
 * as the help page promises).
 */
export function isTooLateToRetry(p: Pick<Post, 'publishAt'>, skipOlderThanHours: number | undefined, now: Date): boolean {
  if (skipOlderThanHours === undefined) return false;
  return now.getTime() - Date.parse(p.publishAt) > skipOlderThanHours * 3_600_000;
}

/**
 * How far ahead a post may be scheduled: two years (731 days, a leap day included). Beyond that a
 * date is almost always a typo (a year of 2062 or 9999), and the due index compares ISO strings,
 * which only order correctly for four-digit years (`+010000-...` would sort before `2026-...` and
 * publish at once).
 */
export const PUBLISH_HORIZON_DAYS = 731;

/** ISO-8601 with a four-digit year, as `Date.prototype.toISOString` writes years 0000-9999. */
const ORDERABLE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The calendar fields as written (`2026-02-30T...`): a date that does not exist is refused, never rolled over. */
function isRealCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(2000, mo - 1, d));
  probe.setUTCFullYear(y);
  return probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/**
 * A requested `publishAt` as the instant stored and compared in the due index (UTC ISO string), or
 * why it is refused. Past instants are fine ("as soon as possible", per the contract).
 */
export function normalizePublishAt(value: string, now: Date): { ok: true; iso: string } | { ok: false; message: string } {
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !isRealCalendarDate(value)) {
    return { ok: false, message: `publishAt "${value.slice(0, 40)}" is not a real date and time. Use ISO 8601, e.g. 2026-05-01T09:30:00Z.` };
  }
  const horizon = now.getTime() + PUBLISH_HORIZON_DAYS * 86_400_000;
  const iso = new Date(ms).toISOString();
  if (ms > horizon || !ORDERABLE_ISO.test(iso)) {
    return { ok: false, message: `publishAt is too far ahead: posts can be scheduled up to 2 years ahead (until ${new Date(horizon).toISOString()}).` };
  }
  return { ok: true, iso };
}
