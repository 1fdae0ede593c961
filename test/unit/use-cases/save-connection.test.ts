import { describe, expect, it } from 'vitest';
import { VersionConflictError } from '../../../shared/domain/errors.js';
import { saveConnection } from '../../../shared/use-cases/save-connection.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection, stored } from './seed.js';

describe('saveConnection (read, change, conditional write)', () => {
  it('a lost race re-reads and re-applies the change to what the winner wrote: nothing is overwritten', async () => {
    // Prepare: another writer renames the connection between our read and our write
    const f = fakeDeps();
    const c = await seedConnection(f);
    f.store.data.connections.beforeNextWrite(() => {
      f.store.data.connections.put('ws-1#conn-1', { ...c, displayName: 'Renamed by the winner', version: 2 });
    });
    // Act
    const out = await saveConnection(f.deps, 'ws-1', 'conn-1', (cur) => ({ ...cur, transientFailures: cur.transientFailures + 1, version: cur.version + 1 }));
    // Assess
    expect(out?.changed).toBe(true);
    expect(await stored(f)).toMatchObject({ displayName: 'Renamed by the winner', transientFailures: 1, version: 3 });
  });

  it('a change that has nothing to do writes nothing', async () => {
    const f = fakeDeps();
    await seedConnection(f);
    const out = await saveConnection(f.deps, 'ws-1', 'conn-1', () => undefined);
    expect(out).toMatchObject({ changed: false });
    expect((await stored(f)).version).toBe(1);
  });

  it('a missing connection is undefined; endless conflicts give up with VersionConflictError', async () => {
    const f = fakeDeps();
    expect(await saveConnection(f.deps, 'ws-1', 'nope', (c) => c)).toBeUndefined();
    await seedConnection(f);
    // A change that never bumps the version keeps losing against a writer that always does.
    let writes = 0;
    const rival = () => {
      writes++;
      const cur = f.store.data.connections.get('ws-1#conn-1')!;
      f.store.data.connections.put('ws-1#conn-1', { ...cur, version: cur.version + 1 });
      f.store.data.connections.beforeNextWrite(rival);
    };
    f.store.data.connections.beforeNextWrite(rival);
    await expect(saveConnection(f.deps, 'ws-1', 'conn-1', (cur) => ({ ...cur, displayName: `${cur.displayName}!` }), { attempts: 3 })).rejects.toBeInstanceOf(VersionConflictError);
    expect(writes).toBe(3);
  });
});
