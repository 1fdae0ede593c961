import { afterEach, describe, expect, it, vi } from 'vitest';
import { CountingMetrics } from '../../../local/services/metrics.js';
import { EmfMetrics } from '../../../shared/adapters/powertools-metrics.js';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../../shared/config/metrics.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** The EMF lines Powertools writes to stdout during `task`. */
function emfLines(task: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  task();
  vi.restoreAllMocks();
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('EmfMetrics (Powertools, CloudWatch EMF)', () => {
  it('adds up an invocation\'s counts and writes them at the flush, one line per dimension values, with the rollups as dimension sets', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    const metrics = new EmfMetrics();
    const beforeFlush = emfLines(() => {
      metrics.count('expiries', { platform: 'facebook', reason: 'password_changed' });
      metrics.count('expiries', { platform: 'facebook', reason: 'password_changed' });
      metrics.count('expiries', { platform: 'linkedin', reason: 'revoked' });
      metrics.count('scanRunsEnqueued', {});
    });
    expect(beforeFlush).toEqual([]);
    const lines = emfLines(() => metrics.publishStoredMetrics());
    expect(lines).toHaveLength(3);
    const facebook = lines.find((l) => l.platform === 'facebook')!;
    expect(facebook).toMatchObject({ Expiries: 2, platform: 'facebook', reason: 'password_changed', service: METRICS_SERVICE });
    const meta = (facebook._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0]!;
    expect(meta.Namespace).toBe(METRICS_NAMESPACE);
    expect(meta.Metrics).toEqual([{ Name: 'Expiries', Unit: 'Count' }]);
    expect(meta.Dimensions.map((d) => [...d].sort())).toEqual([['platform', 'reason', 'service'], ['platform', 'service']]);
    expect(lines.find((l) => 'ScanRunsEnqueued' in l)).toMatchObject({ ScanRunsEnqueued: 1, service: METRICS_SERVICE });
    // Flushed: the next invocation starts from nothing and writes nothing (not even Powertools' "no metrics" warning).
    const stderr: string[] = [];
    expect(
      emfLines(() => {
        vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0);
        metrics.publishStoredMetrics();
      }),
    ).toEqual([]);
    expect(stderr.join('')).not.toMatch(/No application metrics/);
  });
});

describe('CountingMetrics (local runtime)', () => {
  it('keeps the counts CloudWatch would hold, under the full dimension set and each rollup', () => {
    const metrics = new CountingMetrics();
    metrics.count('checks', { platform: 'x', outcome: 'expired' });
    metrics.count('checks', { platform: 'x', outcome: 'healthy' }, 3);
    metrics.count('checks', { platform: 'tiktok', outcome: 'expired' });
    expect(metrics.valueOf('Checks', { platform: 'x', outcome: 'expired' })).toBe(1);
    expect(metrics.valueOf('Checks', { platform: 'x' })).toBe(4);
    expect(metrics.valueOf('Checks')).toBe(5);
    expect(metrics.valueOf('Checks', { platform: 'facebook' })).toBe(0);
    metrics.count('platformIncidents', { platform: 'linkedin', kind: 'integration_problem' });
    expect(metrics.valueOf('PlatformIncidents', { kind: 'integration_problem' })).toBe(1);
  });
});
