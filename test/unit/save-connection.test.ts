import { describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/domain/connection.js';
import { VersionConflictError } from '../../shared/domain/errors.js';
import type { Store } from '../../shared/ports/store.js';
import { saveConnection } from '../../shared/use-cases/save-connection.js';

/** One stored connection with the table's rule (a write must name the stored version), counting reads and writes. */
function oneConnectionStore(stored: Connection) {
  const calls = { reads: 0, writes: 0 };
  let item = stored;
  const connections = {
    get: async () => {
      calls.reads += 1;
      return item;
    },
    update: async (next: Connection, expectedVersion: number) => {
      calls.writes += 1;
      if (item.version !== expectedVersion) throw new VersionConflictError('The connection');
      item = next;
    },
  };
  return { store: { connections } as unknown as Store, calls, stored: () => item };
}

const base: Connection = { workspaceId: 'w', connectionId: 'c', platform: 'facebook', externalAccountId: 'p', displayName: 'Page', status: 'active', transientFailures: 0, version: 4, connectedAt: '2026-11-01T00:00:00.000Z', connectedBy: 'u' };
const checked = (at: string) => (c: Connection): Connection | undefined => (c.status === 'active' ? { ...c, lastCheckedAt: at, version: c.version + 1 } : undefined);

describe('saveConnection from the caller\'s copy', () => {
  it('writes from a copy read a moment ago without reading the connection again', async () => {
    const { store, calls, stored } = oneConnectionStore(base);
    const out = await saveConnection({ store }, 'w', 'c', checked('t1'), { known: base });
    expect(calls).toEqual({ reads: 0, writes: 1 });
    expect(out?.changed).toBe(true);
    expect(stored()).toMatchObject({ lastCheckedAt: 't1', version: 5 });
  });

  it('a stale copy loses the conditional write, and the change is applied again to what is stored', async () => {
    const { store, calls, stored } = oneConnectionStore({ ...base, version: 7, displayName: 'Renamed meanwhile' });
    await saveConnection({ store }, 'w', 'c', checked('t2'), { known: base });
    expect(calls).toEqual({ reads: 1, writes: 2 });
    expect(stored()).toMatchObject({ displayName: 'Renamed meanwhile', lastCheckedAt: 't2', version: 8 });
  });

  it('does not decide "nothing to do" on a stale copy: it reads what is stored first', async () => {
    const { store, stored } = oneConnectionStore({ ...base, version: 6 });
    const out = await saveConnection({ store }, 'w', 'c', checked('t3'), { known: { ...base, status: 'expired' } });
    expect(out?.changed).toBe(true);
    expect(stored()).toMatchObject({ status: 'active', lastCheckedAt: 't3', version: 7 });
  });

  it('without a copy it reads the connection, as before', async () => {
    const { store, calls } = oneConnectionStore(base);
    await saveConnection({ store }, 'w', 'c', checked('t4'));
    expect(calls).toEqual({ reads: 1, writes: 1 });
  });
});
