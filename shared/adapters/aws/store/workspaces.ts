import { TABLE, keys, listKeys, prefixes, shardOf } from '../../../config/table.js';
import { VersionConflictError } from '../../../domain/errors.js';
import type { Member, Workspace } from '../../../domain/workspace.js';
import type { WorkspaceRepository } from '../../../ports/store.js';
import { NEW_ITEM, defined, strip, type TableAccess } from './base.js';
import { workspaceListKeys } from './owners.js';

const EXISTS = { ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } };

export class DynamoWorkspaces implements WorkspaceRepository {
  constructor(private readonly db: TableAccess) {}

  async create(ws: Workspace, owner: Member): Promise<void> {
    // Two single-item writes (no transactions): the member first, so a workspace never exists without its owner.
    const ownerList = owner.role === 'owner' ? listKeys.ownedWorkspace(owner.userId, ws.workspaceId) : {};
    await this.db.put({ ...keys.member(ws.workspaceId, owner.userId), entity: 'member', ...defined(owner), ...ownerList });
    const hubList = ws.hubId ? listKeys.hubWorkspace(ws.hubId, ws.workspaceId) : {};
    const created = await this.db.put(
      { ...keys.workspace(ws.workspaceId), entity: 'workspace', ...defined(ws), ...hubList, ...workspaceListKeys(ws.workspaceId, shardOf(ws.workspaceId)) },
      NEW_ITEM,
    );
    if (!created) throw new VersionConflictError('The workspace');
  }

  async get(workspaceId: string): Promise<Workspace | undefined> {
    return strip<Workspace>(await this.db.get(keys.workspace(workspaceId)));
  }

  async getMember(workspaceId: string, userId: string): Promise<Member | undefined> {
    return strip<Member>(await this.db.get(keys.member(workspaceId, userId)));
  }

  async listOwners(workspaceId: string): Promise<Member[]> {
    const items = await this.db.queryAll(keys.workspace(workspaceId).pk, prefixes.member);
    return items.map((i) => strip<Member>(i)!).filter((m) => m.role === 'owner');
  }

  async setSkipRetriesOlderThanHours(workspaceId: string, hours: number | undefined): Promise<void> {
    await this.db.updateItem({
      Key: keys.workspace(workspaceId),
      UpdateExpression: hours === undefined ? 'REMOVE skipRetriesOlderThanHours' : 'SET skipRetriesOlderThanHours = :h',
      ...EXISTS,
      ...(hours === undefined ? {} : { ExpressionAttributeValues: { ':h': hours } }),
    });
  }

  async setHub(workspaceId: string, hubId: string): Promise<void> {
    const list = listKeys.hubWorkspace(hubId, workspaceId);
    await this.db.updateItem({
      Key: keys.workspace(workspaceId),
      // The lists index follows the hub: the workspace leaves its former hub's list in the same write.
      UpdateExpression: 'SET hubId = :hub, listPk = :lpk, listSk = :lsk',
      ...EXISTS,
      ExpressionAttributeValues: { ':hub': hubId, ':lpk': list.listPk, ':lsk': list.listSk },
    });
  }
}
