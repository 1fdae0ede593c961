import { describe, expect, it } from 'vitest';
import { listAdministeredHubs, listHubWorkspaces, listOwnedWorkspaces, listPosts } from '../../../shared/use-cases/lists.js';
import { createHub, createWorkspace } from '../../../shared/use-cases/workspaces.js';
import { fakeDeps } from '../../fakes/deps.js';
import { OWNER, seedConnection, seedPost, seedWorkspace } from './seed.js';

const hubby = { userId: 'hubby', email: 'h@example.com' };

describe("the dashboard's lists", () => {
  it("a person's own workspaces and hubs, by name", async () => {
    const f = fakeDeps();
    await createWorkspace(f.deps, OWNER, { name: 'Zeta' });
    await createWorkspace(f.deps, OWNER, { name: 'Alpha' });
    await createWorkspace(f.deps, hubby, { name: 'Not mine' });
    await createHub(f.deps, OWNER, { name: 'Agency' });
    expect((await listOwnedWorkspaces(f.deps, OWNER)).map((w) => w.name)).toEqual(['Alpha', 'Zeta']);
    expect((await listAdministeredHubs(f.deps, OWNER)).map((h) => h.name)).toEqual(['Agency']);
  });

  it("a hub's workspaces with their connections counted; admins only", async () => {
    const f = fakeDeps();
    const { hubId } = await createHub(f.deps, hubby, { name: 'Agency' });
    await seedWorkspace(f, 'ws-1', hubby, { hubId, name: 'Client' });
    await seedConnection(f);
    await seedConnection(f, { connectionId: 'c2', status: 'expired', reason: 'revoked', episodeId: 'e' });
    const [row] = await listHubWorkspaces(f.deps, hubby, hubId);
    expect(row).toMatchObject({ workspaceId: 'ws-1', name: 'Client', connections: { active: 1, expiring: 0, expired: 1 } });
    await expect(listHubWorkspaces(f.deps, OWNER, hubId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listHubWorkspaces(f.deps, hubby, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('posts: newest first, page by page, filtered by status; a token with other filters is refused', async () => {
    const f = fakeDeps();
    for (let i = 1; i <= 5; i++) await seedPost(f, { postId: `p${i}`, publishAt: `2026-06-0${i}T00:00:00.000Z`, status: i % 2 ? 'scheduled' : 'failed' });
    const page1 = await listPosts(f.deps, 'ws-1', { limit: 2 });
    expect(page1.posts.map((p) => p.postId)).toEqual(['p5', 'p4']);
    const page2 = await listPosts(f.deps, 'ws-1', { limit: 2, nextToken: page1.nextToken });
    expect(page2.posts.map((p) => p.postId)).toEqual(['p3', 'p2']);
    expect((await listPosts(f.deps, 'ws-1', { status: 'failed' })).posts.map((p) => p.postId)).toEqual(['p4', 'p2']);
    await expect(listPosts(f.deps, 'ws-1', { limit: 2, status: 'failed', nextToken: page1.nextToken })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
