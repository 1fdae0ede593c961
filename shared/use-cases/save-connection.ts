import type { Connection } from '../domain/connection.js';
import { VersionConflictError } from '../domain/errors.js';
import type { Deps } from './deps.js';

export interface SaveOptions {
  attempts?: number;
  /**
   * The connection as the caller read it a moment ago: the first attempt starts from it instead of
   * reading it again. The write is conditional on its version, so a stale copy costs one retry, never
   * a lost update; and a copy on which `change` finds nothing to do is checked against a fresh read.
   */
  known?: Connection;
}

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
  options: SaveOptions = {},
): Promise<{ connection: Connection; changed: boolean; previous: Connection } | undefined> {
  const read = () => deps.store.connections.get(workspaceId, connectionId);
  let known = options.known;
  for (let attempt = 1; ; attempt++) {
    let current = known ?? (await read());
    let next = current && change(current);
    // Nothing to do on the caller's copy: decided on what is stored, not on a copy that may be stale.
    if (known && !next) {
      current = await read();
      next = current && change(current);
    }
    known = undefined;
    if (!current) return undefined;
    if (!next) return { connection: current, changed: false, previous: current };
    try {
      // The store moves the version: what it wrote is what the caller goes on with.
      return { connection: await deps.store.connections.update(next, current.version), changed: true, previous: current };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= (options.attempts ?? 5)) throw error;
    }
  }
}
