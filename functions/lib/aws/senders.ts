import type { QueueKey } from '../../../shared/config/messaging.js';
import { EventBridgeBus } from '../../../shared/adapters/aws/event-bus.js';
import { SesMailer } from '../../../shared/adapters/aws/ses-mailer.js';
import { SqsQueueSender } from '../../../shared/adapters/aws/sqs-sender.js';
import type { EventBus, Mailer, QueueSender } from '../../../shared/ports/misc.js';

/*
 * The senders load their SDK client on first use, not at cold start: many invocations send nothing
 * (a healthy check, an alert already emailed, a GET, a minute with no post due), and those never pay
 * for the client. Functions that send on nearly every run load it at cold start instead (./sqs.ts). The
 * specifiers stay literal so the bundle keeps them external and loads them only here; the adapters
 * import their commands the same way (shared/adapters/aws/*.ts).
 */

/** A load shared by concurrent first uses; a failed load is tried again on the next use. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    const current = (loading ??= load());
    current.catch(() => {
      if (loading === current) loading = undefined;
    });
    return current;
  };
}

export function lazyEventBus(busName: string): EventBus {
  const bus = onFirstUse(async () => new EventBridgeBus(new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient({}), busName));
  return { publish: async (events) => (await bus()).publish(events) };
}

export function lazyQueueSender(urlOf: (queue: QueueKey) => string): QueueSender {
  const sender = onFirstUse(async () => new SqsQueueSender(new (await import('@aws-sdk/client-sqs')).SQSClient({}), urlOf));
  return { sendBatch: async (queue, bodies) => (await sender()).sendBatch(queue, bodies) };
}

export function lazyMailer(from: string, configurationSet: string | undefined): Mailer {
  const mailer = onFirstUse(async () => new SesMailer(new (await import('@aws-sdk/client-sesv2')).SESv2Client({}), from, configurationSet));
  return { send: async (email) => (await mailer()).send(email) };
}
