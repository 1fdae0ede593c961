import { TABLE, keys } from '../../../config/table.js';
import type { OAuthState } from '../../../domain/oauth-state.js';
import type { OAuthStateRepository } from '../../../ports/store.js';
import { defined, strip, type TableAccess } from './base.js';

export class DynamoOAuthStates implements OAuthStateRepository {
  constructor(private readonly db: TableAccess) {}

  async put(s: OAuthState, ttlEpochSeconds: number): Promise<void> {
    await this.db.put({ ...keys.oauthState(s.stateHash), entity: 'oauthState', ...defined(s), [TABLE.ttlAttribute]: ttlEpochSeconds });
  }

  async get(stateHash: string): Promise<OAuthState | undefined> {
    return strip<OAuthState>(await this.db.get(keys.oauthState(stateHash)));
  }

  async consume(stateHash: string, at: string): Promise<boolean> {
    return this.db.stampOnce(keys.oauthState(stateHash), 'usedAt', at);
  }
}
