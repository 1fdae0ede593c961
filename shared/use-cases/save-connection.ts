import type { Connection } from '../domain/connection.js';
import { VersionConflictError } from '../domain/errors.js';
import type { Deps } from './deps.js';

/**
 * Read-modify-write of one connection with a conditional write on its version. On a lost race it
 * reads again and re-applies `change` to what the winner wrote (the rules are idempotent: an
 * already-expired connection stays in its episode), so nothing is silently overwritten.
 * `change` returns undefined when there is nothing to do.
 */
export async function saveConnection(
  deps: Pick<Deps, 'store'>,
  workspaceId: string,
  connectionId: string,
  change: (current: Connection) => Connection | undefined,
  attempts = 5,
): Promise<{ connection: Connection; changed: boolean; previous: Connection } | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.store.connections.get(workspaceId, connectionId);
    if (!current) return undefined;
    const next = change(current);
    if (!next) return { connection: current, changed: false, previous: current };
    try {
      // The store moves the version: what it wrote is what the caller goes on with.
      return { connection: await deps.store.connections.update(next, current.version), changed: true, previous: current };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= attempts) throw error;
    }
  }
}
