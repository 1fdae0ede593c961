import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LINKEDIN_API_VERSION } from '../../shared/adapters/platforms/config.js';
import {
  EXPIRY_SHARE_ALARM,
  INTEGRATION_PROBLEM_INCIDENT,
  LINKEDIN_SUNSET_WARNING_DAYS,
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  SCAN_MISSING_AFTER_HOURS,
  type DimensionKey,
  type MetricKey,
} from '../../shared/config/metrics.js';
import { QUEUES, type QueueKey } from '../../shared/config/messaging.js';
import { PLATFORMS, type Platform } from '../../shared/config/platforms.js';

export interface ObservabilityProps {
  /** Subscribed to the alarm topic when not empty. */
  alarmEmail: string;
  /** The day the LinkedIn sunset check counts from (tests); the synth's day by default. */
  today?: Date;
}

/** One series of the service's metrics (shared/config/metrics.ts), as Powertools publishes it (with `service`). */
export function serviceMetric(metric: MetricKey, dimensions: Partial<Record<DimensionKey, string>>, period: Duration, label?: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: METRICS[metric].name,
    dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
    statistic: 'Sum',
    period,
    ...(label ? { label } : {}),
  });
}

/** Share of a platform's checks in the period that ended `expired`; 0 below the minimum number of checks. */
export function expiryShareOf(platform: Platform, period: Duration): MathExpression {
  return new MathExpression({
    // Ids per platform: one graph shows every platform's expression.
    expression: `IF(checks_${platform} >= ${EXPIRY_SHARE_ALARM.minChecks}, FILL(expired_${platform}, 0) / checks_${platform}, 0)`,
    usingMetrics: {
      [`checks_${platform}`]: serviceMetric('checks', { platform }, period),
      [`expired_${platform}`]: serviceMetric('checks', { platform, outcome: 'expired' }, period),
    },
    period,
    label: `${platform} expired share`,
  });
}

/**
 * Alarms and where they go: one encrypted SNS topic (optionally with an email subscription), an
 * alarm on the depth of every dead-letter queue, one on each function's errors, the service's
 * dashboard and alarms on its own metrics (shared/config/metrics.ts), and the LinkedIn sunset check.
 */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the alarm notification topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch publishes alarm notifications to the encrypted topic: it needs the key for that.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    // The topic policy that enforceSSL creates replaces SNS's default policy (which let the account's
    // services publish), so without this statement every alarm action would fail with "not
    // authorized to perform SNS:Publish". Only this account's alarms may publish.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.dashboard = this.serviceDashboard();
    this.serviceAlarms();
    this.checkLinkedinSunset(props.today ?? new Date());
  }

  /** The service's own metrics, by platform (by queue / kind where there is no platform). */
  private serviceDashboard(): Dashboard {
    const hour = Duration.hours(1);
    const byPlatform = (title: string, metric: MetricKey) =>
      new GraphWidget({ title, width: 12, left: PLATFORMS.map((p) => serviceMetric(metric, { platform: p }, hour, p)) });
    const search = (metric: MetricKey, dims: readonly DimensionKey[]) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service,${dims.join(',')}} MetricName="${METRICS[metric].name}"', 'Sum', 3600)`,
        period: hour,
      });
    const dashboard = new Dashboard(this, 'ServiceDashboard', { defaultInterval: Duration.days(7) });
    dashboard.addWidgets(byPlatform('Checks (daily scan)', 'checks'), new GraphWidget({ title: 'Checks by platform and outcome', width: 12, left: [search('checks', METRICS.checks.dimensions)] }));
    dashboard.addWidgets(byPlatform('Expiries', 'expiries'), new GraphWidget({ title: 'Expired share of checks (alarm line)', width: 12, left: PLATFORMS.map((p) => expiryShareOf(p, hour)), leftAnnotations: [{ value: EXPIRY_SHARE_ALARM.share, label: 'alarm' }] }));
    dashboard.addWidgets(byPlatform('Transient failures (retried later)', 'transientFailures'), byPlatform('Refreshes', 'refreshes'));
    dashboard.addWidgets(byPlatform('Restores (reconnects)', 'restores'), byPlatform('Failed posts retried after a restore', 'retriesPublished'));
    dashboard.addWidgets(
      new GraphWidget({ title: 'Emails sent by kind', width: 8, left: [search('emailsSent', METRICS.emailsSent.dimensions)] }),
      new GraphWidget({ title: 'Dead-lettered records by queue', width: 8, left: (Object.keys(QUEUES) as QueueKey[]).map((q) => serviceMetric('deadLettered', { queue: q }, hour, q)) }),
      new GraphWidget({ title: 'Platform incidents by platform and kind', width: 8, left: [search('platformIncidents', METRICS.platformIncidents.dimensions)] }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'Scan runs started (hourly ticks)', width: 12, left: [serviceMetric('scanRunsEnqueued', {}, Duration.hours(1))] }),
      byPlatform('Checks deferred (rate budget spent)', 'checksDeferred'),
    );
    return dashboard;
  }

  /**
   * - expiry share per platform: a static share of the hour's checks rather than anomaly detection:
   *   expiries are sparse (most hours none), the scan is one burst a day, and a band needs two weeks
   *   of history to learn from, so it would miss a first bad day and flag ordinary ones;
   * - no scan tick starting a run within SCAN_MISSING_AFTER_HOURS (missing = breaching);
   * - any PlatformIncidents of kind integration_problem (the platform refuses our app itself).
   */
  private serviceAlarms(): void {
    for (const platform of PLATFORMS) {
      this.add(
        new Alarm(this, `ExpiryShare-${platform}`, {
          alarmDescription: `${platform}: at least ${EXPIRY_SHARE_ALARM.share * 100}% of an hour's checks (of ${EXPIRY_SHARE_ALARM.minChecks} or more) expired connections. Usual is a few percent: look for a platform change or a misread answer before owners reconnect in bulk.`,
          metric: expiryShareOf(platform, Duration.hours(1)),
          threshold: EXPIRY_SHARE_ALARM.share,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.add(
      new Alarm(this, 'DailyScanMissing', {
        alarmDescription: `No expiry scan tick has started a run in ${SCAN_MISSING_AFTER_HOURS} hours: connections are not being checked and nobody is being warned. Check the schedule and the expiryScan function.`,
        metric: serviceMetric('scanRunsEnqueued', {}, Duration.hours(SCAN_MISSING_AFTER_HOURS)),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      }),
    );
    this.add(
      new Alarm(this, 'IntegrationProblem', {
        alarmDescription: 'A platform refuses Flamel\'s app itself (integration_problem): every account of that platform is affected. Check the app\'s review status, permissions and API version.',
        metric: serviceMetric('platformIncidents', { kind: INTEGRATION_PROBLEM_INCIDENT }, Duration.minutes(5)),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * The pinned LinkedIn API version stops answering on its sunset day (every LinkedIn call fails
   * alike). A fixed date needs no metric: synth warns within LINKEDIN_SUNSET_WARNING_DAYS, and
   * every deploy runs synth.
   */
  private checkLinkedinSunset(today: Date): void {
    const days = Math.floor((Date.parse(LINKEDIN_API_VERSION.sunsetsOn) - today.getTime()) / 86_400_000);
    if (days > LINKEDIN_SUNSET_WARNING_DAYS) return;
    Annotations.of(this).addWarningV2(
      'flamel:linkedin-api-sunset',
      days < 0
        ? `LinkedIn API version ${LINKEDIN_API_VERSION.version} was sunset on ${LINKEDIN_API_VERSION.sunsetsOn}: LinkedIn calls fail. Move LINKEDIN_API_VERSION (shared/adapters/platforms/config.ts) to a current version.`
        : `LinkedIn API version ${LINKEDIN_API_VERSION.version} sunsets on ${LINKEDIN_API_VERSION.sunsetsOn} (in ${days} days): move LINKEDIN_API_VERSION (shared/adapters/platforms/config.ts) to a current version and test it.`,
    );
  }

  /** Alarms as soon as a dead-letter queue holds a message: something failed every retry. */
  alarmOnDeadLetters(id: string, dlq: IQueue, what: string): Alarm {
    return this.add(
      new Alarm(this, `${id}DlqDepth`, {
        alarmDescription: `${what}: messages in the dead-letter queue. Inspect them, fix the cause, then redrive.`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Alarms on any invocation error of a function in five minutes. */
  alarmOnErrors(id: string, fn: IFunction): Alarm {
    return this.add(
      new Alarm(this, `${id}Errors`, {
        alarmDescription: `Function ${id} failed (uncaught error or timeout).`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  private add(alarm: Alarm): Alarm {
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
