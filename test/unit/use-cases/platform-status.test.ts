import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../../shared/config/platforms.js';
import { listPlatformStatuses, reportIntegrationProblem, reportPlatformWorks } from '../../../shared/use-cases/platform-status.js';
import { fakeDeps } from '../../fakes/deps.js';

describe('platform status', () => {
  it('every platform is ok until something is wrong', async () => {
    const f = fakeDeps();
    expect(await listPlatformStatuses(f.deps)).toEqual(PLATFORMS.map((platform) => ({ platform, status: 'ok' })));
  });

  it('an integration problem is recorded once (its first since), shown with words an owner can act on, and alarmed', async () => {
    // Prepare / Act
    const f = fakeDeps();
    await reportIntegrationProblem(f.deps, 'facebook', 'permission_revoked', '(#200) Permissions error');
    f.clock.advanceMinutes(30);
    await reportIntegrationProblem(f.deps, 'facebook', 'permission_revoked', 'again');
    // Assess
    const fb = (await listPlatformStatuses(f.deps)).find((s) => s.platform === 'facebook');
    expect(fb).toEqual({ platform: 'facebook', status: 'integration_problem', since: '2026-06-01T09:00:00.000Z', message: expect.any(String) });
    expect(fb?.message?.length ?? 0).toBeGreaterThan(20);
    expect(f.metrics.total('platformIncidents', { platform: 'facebook' })).toBe(1);
    expect(f.log.at('error')).toHaveLength(1);
  });

  it('a call that works clears it', async () => {
    const f = fakeDeps();
    await reportIntegrationProblem(f.deps, 'x', 'app_rate_limited', 'Too Many Requests');
    await reportPlatformWorks(f.deps, 'x');
    expect((await listPlatformStatuses(f.deps)).find((s) => s.platform === 'x')?.status).toBe('ok');
  });
});
