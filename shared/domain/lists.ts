import type { Connection } from './connection.js';
import { currentView } from './connection.js';
import { publicPostStatus, type PostStatus } from './post.js';

/** Every stored post status: a status added to PostStatus fails the type check here until it is listed. */
const STORED: Record<PostStatus, true> = { scheduled: true, publishing: true, published: true, failed: true, failed_permanent: true, held: true };

export type PublicPostStatus = ReturnType<typeof publicPostStatus>;

/** The statuses a caller may filter posts by (the contract's public ones). */
export const PUBLIC_POST_STATUSES: readonly PublicPostStatus[] = [...new Set((Object.keys(STORED) as PostStatus[]).map(publicPostStatus))];

export function isPublicPostStatus(value: string): value is PublicPostStatus {
  return (PUBLIC_POST_STATUSES as readonly string[]).includes(value);
}

/** The stored statuses shown as `status` (e.g. `scheduled` is also a post being published right now). */
export function storedStatusesOf(status: PublicPostStatus): PostStatus[] {
  return (Object.keys(STORED) as PostStatus[]).filter((s) => publicPostStatus(s) === status);
}

export interface ConnectionCounts {
  active: number;
  expiring: number;
  expired: number;
}

/** A workspace's connections by their current state, as Connected Accounts shows them (a passed deadline is expired). */
export function countConnections(connections: readonly Connection[], now: Date): ConnectionCounts {
  const counts: ConnectionCounts = { active: 0, expiring: 0, expired: 0 };
  for (const c of connections) {
    if (c.status === 'removed') continue;
    const status = currentView(c, now).status;
    if (status !== 'removed') counts[status] += 1;
  }
  return counts;
}

/** What a posts page's `nextToken` stands for: the same query, continued after one post. */
export interface PostsCursor {
  workspaceId: string;
  connectionId?: string;
  status?: PublicPostStatus;
  publishAt: string;
  postId: string;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ID = /^[\w-]{1,128}$/;

/** Opaque to callers (base64url JSON); `decodePostsToken` takes back only what this wrote. */
export function encodePostsToken(c: PostsCursor): string {
  const body = { w: c.workspaceId, c: c.connectionId, s: c.status, a: c.publishAt, i: c.postId };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/**
 * The cursor of a token, or undefined when it is malformed or was issued for another query (another
 * workspace or other filters): a token only continues the list it came from.
 */
export function decodePostsToken(token: string, query: Omit<PostsCursor, 'publishAt' | 'postId'>): PostsCursor | undefined {
  if (token.length > 1024 || !/^[\w-]+$/.test(token)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (Object.keys(b).some((k) => !['w', 'c', 's', 'a', 'i'].includes(k))) return undefined;
  if (b.w !== query.workspaceId || b.c !== query.connectionId || b.s !== query.status) return undefined;
  if (typeof b.a !== 'string' || !INSTANT.test(b.a) || typeof b.i !== 'string' || !ID.test(b.i)) return undefined;
  return { ...query, publishAt: b.a, postId: b.i };
}
