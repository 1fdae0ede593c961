import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DAILY_SCAN, PUBLISH_DUE_SCHEDULE, RECONCILE, WEEKLY_DIGEST } from '../../shared/config/messaging.js';
import type { Observability } from './observability.js';
import { serviceDeadLetterQueue } from './queues.js';

export interface SchedulesProps {
  expiryScan: IFunction;
  publishDue: IFunction;
  reconcile: IFunction;
  digest: IFunction;
  observability: Observability;
}

/**
 * EventBridge Scheduler: the hourly expiry scan tick (DAILY_SCAN.scheduleExpression, UTC) and the
 * every-minute publish-due sweep (PUBLISH_DUE_SCHEDULE), the reconciliation (RECONCILE) and the weekly digest (WEEKLY_DIGEST). Each has its own role (invoke that one
 * function, send to its DLQ) and its own dead-letter queue, for invocations Scheduler could not
 * deliver after its retries, with an alarm.
 */
export class Schedules extends Construct {
  readonly dailyScan: Schedule;
  readonly publishDue: Schedule;
  readonly reconcile: Schedule;
  readonly weeklyDigest: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.dailyScan = this.schedule('DailyScan', {
      description: 'Hourly expiry scan tick: one scan-segments message for every segment of the due index, fanned out when large',
      expression: DAILY_SCAN.scheduleExpression,
      fn: props.expiryScan,
      dlqId: 'daily-scan-dlq',
      observability: props.observability,
      retryAttempts: 3,
      // Older than its hour the next tick covers it.
      maxEventAge: Duration.hours(1),
      // The tick's scheduled time names its run: a retried or doubled delivery is the same run, done once.
      input: ScheduleTargetInput.fromObject({ scheduledAt: ContextAttribute.scheduledTime }),
    });
    this.publishDue = this.schedule('PublishDue', {
      description: 'Enqueues the scheduled posts whose time has come',
      expression: PUBLISH_DUE_SCHEDULE,
      fn: props.publishDue,
      dlqId: 'publish-due-dlq',
      observability: props.observability,
      // The next run, a minute later, picks up whatever this one missed.
      retryAttempts: 1,
      maxEventAge: Duration.minutes(2),
    });
    this.reconcile = this.schedule('Reconcile', {
      description: 'Repairs work a lost message stranded: failed posts of working connections, lapsed claims, open alerts',
      expression: RECONCILE.scheduleExpression,
      fn: props.reconcile,
      dlqId: 'reconcile-dlq',
      observability: props.observability,
      // The next run picks up whatever this one missed.
      retryAttempts: 1,
      maxEventAge: Duration.minutes(RECONCILE.everyMinutes),
    });
    this.weeklyDigest = this.schedule('WeeklyDigest', {
      description: 'Weekly digest email to each owner who wants it',
      expression: WEEKLY_DIGEST.scheduleExpression,
      fn: props.digest,
      dlqId: 'weekly-digest-dlq',
      observability: props.observability,
      // A retry is safe: one digest per owner, workspace and ISO week (claimed before sending).
      retryAttempts: 3,
      maxEventAge: Duration.hours(6),
    });
  }

  private schedule(
    id: string,
    o: { description: string; expression: string; fn: IFunction; dlqId: string; observability: Observability; retryAttempts: number; maxEventAge: Duration; input?: ScheduleTargetInput },
  ): Schedule {
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } }),
      description: `EventBridge Scheduler: ${o.description}`,
    });
    const schedule = new Schedule(this, id, {
      description: o.description,
      schedule: ScheduleExpression.expression(o.expression),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(o.fn, {
        role,
        deadLetterQueue: serviceDeadLetterQueue(this, o.dlqId, o.observability, `${id} schedule`),
        retryAttempts: o.retryAttempts,
        maxEventAge: o.maxEventAge,
        ...(o.input ? { input: o.input } : {}),
      }),
    });
    const stack = Stack.of(this);
    const fnLogicalId = stack.resolve(stack.getLogicalId(o.fn.node.defaultChild as CfnFunction)) as string;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
      reason:
        'Added by Function.grantInvoke (called by the Scheduler LambdaInvoke target): `<function ARN>:*` covers the ' +
        'versions and aliases of this one function, nothing else.',
    });
    return schedule;
  }
}
