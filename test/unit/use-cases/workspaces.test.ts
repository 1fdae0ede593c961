import { describe, expect, it } from 'vitest';
import { addWorkspaceToHub, createHub, createWorkspace, workspaceForActor } from '../../../shared/use-cases/workspaces.js';
import { fakeDeps } from '../../fakes/deps.js';

const ana = { userId: 'ana', email: 'ana@example.com' };
const hubby = { userId: 'hubby', email: 'h@example.com' };

describe('workspaces and hubs', () => {
  it('a new workspace is owned by its creator and only by them', async () => {
    // Prepare
    const f = fakeDeps();
    // Act
    const { workspaceId } = await createWorkspace(f.deps, ana, { name: 'Acme' });
    // Assess
    await expect(workspaceForActor(f.deps, ana, workspaceId, undefined)).resolves.toMatchObject({ name: 'Acme', ownerUserId: 'ana' });
    await expect(workspaceForActor(f.deps, hubby, workspaceId, undefined)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await f.store.workspaces.listOwners(workspaceId)).toEqual([{ workspaceId, userId: 'ana', email: 'ana@example.com', role: 'owner' }]);
  });

  it('only a hub admin may create a workspace in that hub', async () => {
    const f = fakeDeps();
    const { hubId } = await createHub(f.deps, hubby, { name: 'Agency' });
    await expect(createWorkspace(f.deps, ana, { name: 'Acme', hubId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { workspaceId } = await createWorkspace(f.deps, hubby, { name: 'Client', hubId });
    expect((await f.store.workspaces.get(workspaceId))?.hubId).toBe(hubId);
  });

  it('a hub admin reaches a hub workspace only in its context, after its owner put it in the hub', async () => {
    // Prepare
    const f = fakeDeps();
    const { workspaceId } = await createWorkspace(f.deps, ana, { name: 'Acme' });
    const { hubId } = await createHub(f.deps, hubby, { name: 'Agency' });
    await expect(workspaceForActor(f.deps, hubby, workspaceId, workspaceId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Act
    await expect(addWorkspaceToHub(f.deps, hubby, hubId, workspaceId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await addWorkspaceToHub(f.deps, ana, hubId, workspaceId);
    // Assess
    await expect(workspaceForActor(f.deps, hubby, workspaceId, undefined)).rejects.toMatchObject({ code: 'WORKSPACE_CONTEXT_REQUIRED' });
    await expect(workspaceForActor(f.deps, hubby, workspaceId, workspaceId)).resolves.toMatchObject({ workspaceId, hubId });
  });

  it('an unknown hub or workspace is NOT_FOUND', async () => {
    const f = fakeDeps();
    const { workspaceId } = await createWorkspace(f.deps, ana, { name: 'Acme' });
    await expect(addWorkspaceToHub(f.deps, ana, 'no-hub', workspaceId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { hubId } = await createHub(f.deps, ana, { name: 'Mine' });
    await expect(addWorkspaceToHub(f.deps, ana, hubId, 'no-ws')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
