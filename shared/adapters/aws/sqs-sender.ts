import type { SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { SQS_SEND_BATCH, type QueueKey } from '../../config/messaging.js';
import type { QueueSender } from '../../ports/misc.js';

/** SendMessageBatch, ten per call; entries SQS refused are sent again (twice), then the call fails. */
export class SqsQueueSender implements QueueSender {
  /** SQS requests made (the benchmark reads it). */
  requests = 0;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: (queue: QueueKey) => string,
  ) {}

  async sendBatch(queue: QueueKey, bodies: unknown[]): Promise<void> {
    const url = this.queueUrl(queue);
    // The command is imported on first send, not with the module: a Lambda function that may send but
    // seldom does loads the client only then (functions/lib/aws/senders.ts).
    const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
    for (let i = 0; i < bodies.length; i += SQS_SEND_BATCH) {
      let entries: SendMessageBatchRequestEntry[] = bodies.slice(i, i + SQS_SEND_BATCH).map((b, j) => ({ Id: String(j), MessageBody: JSON.stringify(b) }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        this.requests++;
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        if (failed.size === 0) break;
        if (attempt >= 2) throw new Error(`SQS refused ${failed.size} message(s) for ${queue}`);
        entries = entries.filter((e) => failed.has(e.Id));
      }
    }
  }
}
