import { describe, expect, it } from 'vitest';
import { addDays, type Connection } from '../../../shared/domain/connection.js';
import { aLinkedInConnection } from '../../helpers/connection-fixture.js';
import {
  PUBLIC_POST_STATUSES,
  countConnections,
  decodePostsToken,
  encodePostsToken,
  isPublicPostStatus,
  storedStatusesOf,
} from '../../../shared/domain/lists.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const linkedin = (id: string, over: Partial<Connection> = {}): Connection => aLinkedInConnection(id, NOW, over);

describe('post statuses a list may be filtered by', () => {
  it('are the public ones; publishing is never shown, it is listed as scheduled', () => {
    expect([...PUBLIC_POST_STATUSES].sort()).toEqual(['failed', 'failed_permanent', 'held', 'published', 'scheduled']);
    expect(isPublicPostStatus('publishing')).toBe(false);
    expect(isPublicPostStatus('bogus')).toBe(false);
    expect(storedStatusesOf('scheduled').sort()).toEqual(['publishing', 'scheduled']);
    expect(storedStatusesOf('failed')).toEqual(['failed']);
  });
});

describe('countConnections', () => {
  it('counts the current view: a passed consent is expired and one inside the warning window expiring, before any scan; removed ones are left out', () => {
    const counts = countConnections(
      [
        linkedin('ok'),
        linkedin('soon', { consentExpiresAt: addDays(NOW, 5) }),
        linkedin('passed', { consentExpiresAt: addDays(NOW, -1) }),
        linkedin('red', { status: 'expired', reason: 'revoked' }),
        linkedin('gone', { status: 'removed' }),
      ],
      NOW,
    );
    expect(counts).toEqual({ active: 1, expiring: 1, expired: 2 });
  });
});

describe('posts nextToken', () => {
  const query = { workspaceId: 'ws-1', connectionId: 'c-1', status: 'failed' as const };
  const cursor = { ...query, publishAt: '2026-06-01T12:00:00.000Z', postId: '3f1c2a9e-0000-4000-8000-000000000001' };

  it('round-trips for the same query', () => {
    expect(decodePostsToken(encodePostsToken(cursor), query)).toEqual(cursor);
    const unfiltered = { workspaceId: 'ws-1', publishAt: cursor.publishAt, postId: cursor.postId };
    expect(decodePostsToken(encodePostsToken(unfiltered), { workspaceId: 'ws-1' })).toMatchObject(unfiltered);
  });

  it('refuses another workspace, other filters, and anything it did not write', () => {
    const token = encodePostsToken(cursor);
    expect(decodePostsToken(token, { ...query, workspaceId: 'ws-2' })).toBeUndefined();
    expect(decodePostsToken(token, { ...query, connectionId: undefined })).toBeUndefined();
    expect(decodePostsToken(token, { ...query, status: 'published' })).toBeUndefined();
    const forge = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    const good = { w: 'ws-1', c: 'c-1', s: 'failed', a: cursor.publishAt, i: cursor.postId };
    for (const bad of [
      'garbage!',
      '',
      forge([good]),
      forge(null),
      forge({ ...good, a: '2026-06-01' }),
      forge({ ...good, a: 42 }),
      forge({ ...good, i: 'x#y' }),
      forge({ ...good, extra: 1 }),
      'a'.repeat(2000),
    ]) {
      expect(decodePostsToken(bad, query), bad).toBeUndefined();
    }
    expect(decodePostsToken(forge(good), query)).toEqual(cursor);
  });
});
