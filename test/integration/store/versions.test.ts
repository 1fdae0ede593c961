import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import { expireConnection, recordHealthyCheck, type Connection } from '../../../shared/domain/connection.js';
import { VersionConflictError } from '../../../shared/domain/errors.js';
import type { Post } from '../../../shared/domain/post.js';
import { saveConnection } from '../../../shared/use-cases/save-connection.js';
import { freshStore } from '../../helpers/table.js';
import { aConnection } from '../../helpers/connection-fixture.js';

// The store moves the version (one place, shared/adapters/aws/store/base.ts): callers state what
// changes and which version they read; whatever version they put in the object is not trusted.
let client: DynamoDBClient;
let store: DynamoStore;
beforeAll(async () => ({ client, store } = await freshStore()));
afterAll(() => client.destroy());

const NOW = new Date('2026-06-01T12:00:00Z');
const connection = (id: string): Connection => aConnection(id, NOW, { workspaceId: 'ws-v', platform: 'linkedin', externalAccountId: `org-${id}`, displayName: `Org ${id}` });

describe('the store moves the version, not its callers', () => {
  // Prepare / Act / Assess
  it('a connection written from version n is stored and returned as n + 1, whatever version the caller put in it', async () => {
    await store.connections.create(connection('c1'));
    const read = (await store.connections.get('ws-v', 'c1'))!;

    const written = await store.connections.update({ ...recordHealthyCheck(read, NOW), version: 99 }, read.version);

    expect(written.version).toBe(2);
    expect((await store.connections.get('ws-v', 'c1'))!.version).toBe(2);
    // The caller that read version 1 again is refused: the version did move.
    await expect(store.connections.update(read, read.version)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('two rule applications in a row through saveConnection each move the version once', async () => {
    await store.connections.create(connection('c2'));

    const first = await saveConnection({ store }, 'ws-v', 'c2', (c) => recordHealthyCheck(c, NOW));
    const second = await saveConnection({ store }, 'ws-v', 'c2', (c) => expireConnection(c, 'revoked', undefined, 'ep-1', NOW).connection);

    expect(first?.connection.version).toBe(2);
    expect(second?.connection).toMatchObject({ status: 'expired', episodeId: 'ep-1', version: 3 });
    expect(await store.connections.get('ws-v', 'c2')).toMatchObject({ status: 'expired', version: 3 });
  });

  it('a post transition is stored as version n + 1 and refused from a status it is not in', async () => {
    const post: Post = {
      workspaceId: 'ws-v',
      postId: 'p1',
      connectionId: 'c1',
      text: 'hello',
      publishAt: NOW.toISOString(),
      status: 'scheduled',
      attempts: 0,
      version: 1,
      createdAt: NOW.toISOString(),
      createdBy: 'u1',
    };
    await store.posts.create(post);

    const claimed = await store.posts.transition({ ...post, status: 'publishing' }, ['scheduled'], 1);

    expect(claimed.version).toBe(2);
    expect((await store.posts.get('ws-v', 'p1'))!.version).toBe(2);
    await expect(store.posts.transition({ ...claimed, status: 'publishing' }, ['scheduled'], 2)).rejects.toBeInstanceOf(VersionConflictError);
  });
});
