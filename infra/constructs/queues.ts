import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, QUEUES, dlqName, type QueueKey } from '../../shared/config/messaging.js';
import type { Observability } from './observability.js';

/** Every SQS queue of the stack: SSE-SQS encrypted, TLS only, physical name left to CloudFormation. */
export function secureQueue(scope: Construct, id: string, props: Omit<QueueProps, 'queueName' | 'encryption' | 'enforceSSL'> = {}): Queue {
  return new Queue(scope, id, { ...props, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
}

/** A dead-letter queue: keeps messages for the longest time SQS allows, and is watched by an alarm. */
export function deadLetterQueue(scope: Construct, id: string, observability: Observability, what: string): Queue {
  const dlq = secureQueue(scope, id, { retentionPeriod: Duration.days(14) });
  observability.alarmOnDeadLetters(id, dlq, what);
  return dlq;
}

/**
 * A dead-letter queue of an EventBridge rule target or a Scheduler schedule. cdk-nag only recognises
 * a DLQ when another SQS queue's redrive policy points at it, so it reports this one as a queue
 * without a DLQ.
 */
export function serviceDeadLetterQueue(scope: Construct, id: string, observability: Observability, what: string): Queue {
  const dlq = deadLetterQueue(scope, id, observability, what);
  Validations.of(dlq).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue IS a dead-letter queue (${what}); a DLQ of a DLQ would only move the problem. Its depth has an alarm.`,
  });
  return dlq;
}

export interface QueuesProps {
  observability: Observability;
}

/**
 * The work queues of shared/config/messaging.ts, each with its dead-letter queue (reached after
 * MAX_RECEIVE_COUNT receives) and an alarm on that DLQ's depth.
 */
export class Queues extends Construct {
  readonly queues: Record<QueueKey, Queue>;
  readonly deadLetterQueues: Record<QueueKey, Queue>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const queues: Partial<Record<QueueKey, Queue>> = {};
    const dlqs: Partial<Record<QueueKey, Queue>> = {};
    for (const key of Object.keys(QUEUES) as QueueKey[]) {
      const spec = QUEUES[key];
      // Construct ids are the shared logical names ("alerts", "alerts-dlq"), as in the local runtime.
      const dlq = deadLetterQueue(this, dlqName(spec), props.observability, `Queue ${spec.name}`);
      dlqs[key] = dlq;
      queues[key] = secureQueue(this, spec.name, {
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
    }
    this.queues = queues as Record<QueueKey, Queue>;
    this.deadLetterQueues = dlqs as Record<QueueKey, Queue>;
  }
}
