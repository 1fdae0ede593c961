import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Observability } from '../../infra/constructs/observability.js';
import { LINKEDIN_API_VERSION } from '../../shared/adapters/platforms/config.js';
import { EXPIRY_SHARE_ALARM, INTEGRATION_PROBLEM_INCIDENT, METRICS, METRICS_NAMESPACE, METRICS_SERVICE, SCAN_MISSING_AFTER_HOURS } from '../../shared/config/metrics.js';
import { PLATFORMS } from '../../shared/config/platforms.js';
import { resourcesOf, synth, type Synthesized } from './fixture.js';

let s: Synthesized;
beforeAll(() => {
  s = synth();
});

type AlarmProps = Record<string, unknown> & { Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] }; Period: number; Stat: string } }[] };
const alarms = () => Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).map((r) => r.Properties as AlarmProps);
const dims = (list: { Name: string; Value: unknown }[]) => Object.fromEntries(list.map((d) => [d.Name, d.Value]));

describe('service dashboard and alarms', () => {
  it('has a dashboard graphing every metric of shared/config/metrics.ts, per platform where it has one', () => {
    const dashboards = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(s.stack.resolve(dashboards[0]!.Properties?.DashboardBody));
    for (const m of Object.values(METRICS)) expect(body, m.name).toContain(m.name);
    expect(body).toContain(METRICS_NAMESPACE);
    for (const p of PLATFORMS) expect(body).toContain(`\\"platform\\",\\"${p}\\"`);
  });

  it('alarms per platform when a large share of an hour\'s checks expire', () => {
    for (const platform of PLATFORMS) {
      const alarm = alarms().find((a) => a.Metrics?.some((m) => m.MetricStat && dims(m.MetricStat.Metric.Dimensions).platform === platform && dims(m.MetricStat.Metric.Dimensions).outcome === 'expired'));
      expect(alarm, platform).toHaveProperty('Threshold');
      expect(alarm!.Threshold).toBe(EXPIRY_SHARE_ALARM.share);
      expect(alarm!.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      const expr = alarm!.Metrics!.find((m) => m.Expression)!;
      expect(expr.Expression).toContain(`checks_${platform} >= ${EXPIRY_SHARE_ALARM.minChecks}`);
      const stats = alarm!.Metrics!.filter((m) => m.MetricStat).map((m) => m.MetricStat!);
      expect(stats.map((m) => [m.Metric.MetricName, m.Metric.Namespace, dims(m.Metric.Dimensions), m.Stat])).toEqual(
        expect.arrayContaining([
          [METRICS.checks.name, METRICS_NAMESPACE, { service: METRICS_SERVICE, platform }, 'Sum'],
          [METRICS.checks.name, METRICS_NAMESPACE, { service: METRICS_SERVICE, platform, outcome: 'expired' }, 'Sum'],
        ]),
      );
    }
  });

  it('alarms when the daily scan has not gone through the due index in 26 hours, missing data breaching', () => {
    const alarm = alarms().find((a) => a.MetricName === METRICS.scanRunsEnqueued.name);
    expect(alarm).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
      Statistic: 'Sum',
      Period: SCAN_MISSING_AFTER_HOURS * 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(alarm!.AlarmActions).toHaveLength(1);
  });

  it('alarms on any integration_problem incident', () => {
    const alarm = alarms().find((a) => a.MetricName === METRICS.platformIncidents.name);
    expect(alarm).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(dims(alarm!.Dimensions as { Name: string; Value: unknown }[])).toEqual({ service: METRICS_SERVICE, kind: INTEGRATION_PROBLEM_INCIDENT });
  });

  it('keeps a depth alarm on every dead-letter queue', () => {
    const dlqAlarms = alarms().filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(dlqAlarms.length).toBeGreaterThanOrEqual(5);
  });
});

describe('LinkedIn API version sunset', () => {
  const observed = (today: Date) => {
    const stack = new Stack(new App(), 'T');
    new Observability(stack, 'Observability', { alarmEmail: '', today });
    return Annotations.fromStack(stack);
  };
  const sunset = Date.parse(LINKEDIN_API_VERSION.sunsetsOn);

  it('warns at synth within 60 days of the sunset, and after it', () => {
    observed(new Date(sunset - 30 * 86_400_000)).hasWarning('*', Match.stringLikeRegexp(`${LINKEDIN_API_VERSION.version} sunsets on ${LINKEDIN_API_VERSION.sunsetsOn} \\(in 30 days\\)`));
    observed(new Date(sunset + 86_400_000)).hasWarning('*', Match.stringLikeRegexp('was sunset'));
  });

  it('says nothing while the sunset is further away', () => {
    observed(new Date(sunset - 61 * 86_400_000)).hasNoWarning('*', Match.stringLikeRegexp('LinkedIn'));
  });
});
