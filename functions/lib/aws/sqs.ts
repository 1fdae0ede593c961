import { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueKey } from '../../../shared/config/messaging.js';
import { SqsQueueSender } from '../../../shared/adapters/aws/sqs-sender.js';
import type { QueueSender } from '../../../shared/ports/misc.js';

/**
 * SQS loaded at cold start, for the functions that send on (nearly) every run (the daily scan, the
 * retry fan-out): init code runs on a full vCPU, an invocation on the memory's share of one.
 */
export function sqsQueueSender(urlOf: (queue: QueueKey) => string): QueueSender {
  return new SqsQueueSender(new SQSClient({}), urlOf);
}
