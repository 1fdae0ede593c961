import { describe, expect, it } from 'vitest';
import { connectionHistory, recordHistory } from '../../../shared/use-cases/history.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection } from './seed.js';

describe("a connection's history", () => {
  it('records each event once under its key, even when the flow is delivered twice', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f);
    await recordHistory(f.deps, c, 'connected#conn-1', { at: '2026-06-01T09:00:00.000Z', type: 'connected' });
    await recordHistory(f.deps, c, 'connected#conn-1', { at: '2026-06-01T09:00:00.000Z', type: 'connected' });
    expect(await connectionHistory(f.deps, 'ws-1', 'conn-1')).toEqual([{ at: '2026-06-01T09:00:00.000Z', type: 'connected' }]);
  });

  it('collapses a run of failed checks into one line', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f);
    for (const [i, day] of ['02', '03', '04'].entries()) await recordHistory(f.deps, c, `check_failed#${i + 2}`, { at: `2026-06-${day}T09:00:00.000Z`, type: 'check_failed' });
    expect(await connectionHistory(f.deps, 'ws-1', 'conn-1')).toEqual([{ at: '2026-06-02T09:00:00.000Z', type: 'check_failed', count: 3, until: '2026-06-04T09:00:00.000Z' }]);
  });

  it('a removed connection keeps its history; an unknown one is NOT_FOUND', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f, { status: 'removed' });
    await recordHistory(f.deps, c, 'k', { at: '2026-06-01T09:00:00.000Z', type: 'connected' });
    expect(await connectionHistory(f.deps, 'ws-1', 'conn-1')).toHaveLength(1);
    await expect(connectionHistory(f.deps, 'ws-1', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
