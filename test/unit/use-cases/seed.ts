import type { Platform } from '../../../shared/config/platforms.js';
import { computeNextCheckAt, type Connection } from '../../../shared/domain/connection.js';
import type { Post } from '../../../shared/domain/post.js';
import type { TokenSet } from '../../../shared/ports/platform.js';
import { tokenAadFor } from '../../../shared/use-cases/tokens.js';
import type { Fakes } from '../../fakes/deps.js';

/** Prepare steps shared by the use-case tests: what a person would already have before acting. */

export const OWNER = { userId: 'ana', email: 'ana@example.com' };

export async function seedWorkspace(f: Fakes, workspaceId = 'ws-1', owner = OWNER, over: { hubId?: string; name?: string } = {}): Promise<string> {
  await f.store.workspaces.create(
    { workspaceId, name: over.name ?? 'Acme', ownerUserId: owner.userId, createdAt: f.clock.iso(), ...(over.hubId ? { hubId: over.hubId } : {}) },
    { workspaceId, userId: owner.userId, email: owner.email, role: 'owner' },
  );
  return workspaceId;
}

/** A connection with real sealed tokens (the fake data keys), due as the scan would compute it. */
export async function seedConnection(
  f: Fakes,
  over: Partial<Omit<Connection, 'tokens'>> & { platform?: Platform; tokens?: TokenSet | null } = {},
): Promise<Connection> {
  const { tokens: plain, ...rest } = over;
  const base: Connection = {
    workspaceId: 'ws-1',
    connectionId: 'conn-1',
    platform: 'linkedin',
    externalAccountId: 'acct-1',
    displayName: 'Acme Page',
    status: 'active',
    transientFailures: 0,
    version: 1,
    connectedAt: f.clock.iso(),
    connectedBy: OWNER.userId,
    lastCheckedAt: f.clock.iso(),
    lastUsedAt: f.clock.iso(),
    ...rest,
  };
  const tokens = plain === null ? undefined : (plain ?? { accessToken: 'stored-access', refreshToken: 'stored-refresh' });
  const sealed = tokens ? await f.cipher.seal(JSON.stringify(tokens), tokenAadFor(base)) : undefined;
  const c: Connection = { ...base, ...(sealed ? { tokens: sealed } : {}) };
  const withDue = 'nextCheckAt' in over ? c : { ...c, nextCheckAt: computeNextCheckAt(c, f.clock.now()) };
  await f.store.connections.create(withDue);
  return withDue;
}

export async function seedPost(f: Fakes, over: Partial<Post> = {}): Promise<Post> {
  const p: Post = {
    workspaceId: 'ws-1',
    postId: 'post-1',
    connectionId: 'conn-1',
    text: 'Summer sale starts today',
    publishAt: f.clock.iso(),
    status: 'scheduled',
    attempts: 0,
    createdAt: f.clock.iso(),
    createdBy: OWNER.userId,
    version: 1,
    ...over,
  };
  await f.store.posts.create(p);
  return p;
}

/** The stored connection (it must exist). */
export async function stored(f: Fakes, connectionId = 'conn-1', workspaceId = 'ws-1'): Promise<Connection> {
  const c = await f.store.connections.get(workspaceId, connectionId);
  if (!c) throw new Error(`connection ${connectionId} is not stored`);
  return c;
}
