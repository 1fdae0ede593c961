import type { QueueKey } from '../../shared/config/messaging.js';
import type { QueueSender } from '../../shared/ports/misc.js';

/**
 * The queues: every body sent, per queue, and how many SendMessageBatch calls it took (at most 10
 * entries each, as SQS allows). `failNext` makes the next send throw with nothing accepted.
 */
export class FakeQueues implements QueueSender {
  readonly sent = new Map<QueueKey, unknown[]>();
  batchCalls = 0;
  private failures = 0;

  async sendBatch(queue: QueueKey, bodies: unknown[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SQS SendMessageBatch failed (fake)');
    }
    this.batchCalls += Math.ceil(bodies.length / 10);
    this.sent.set(queue, [...(this.sent.get(queue) ?? []), ...structuredClone(bodies)]);
  }

  failNext(times = 1): void {
    this.failures += times;
  }

  /** The bodies sent to `queue`, typed as the test expects them. */
  on<T>(queue: QueueKey): T[] {
    return (this.sent.get(queue) ?? []) as T[];
  }
}
