import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalEventSourceMappings,
  startQueuePoller,
  type QueueConsumer,
  type QueuePoller,
  type SqsBatchHandler,
} from '../../../local/services/event-source-mapping.js';
import { startLocalQueues, type LocalQueues } from '../../../local/services/queues.js';
import { QUEUES, type QueueKey } from '../../../shared/config/messaging.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('local event-source mapping', () => {
  let queues: LocalQueues;
  const pollers: QueuePoller[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    queues = await startLocalQueues({ visibilityTimeoutSeconds: () => 1 });
  });
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
    errors.length = 0;
  });
  afterAll(async () => {
    await queues?.stop();
  });

  const poll = (key: QueueKey, handler: SqsBatchHandler) => {
    const poller = startQueuePoller({
      sqs: queues.sqsClient(),
      queueUrl: queues.queueUrl(key),
      batchSize: QUEUES[key].batchSize,
      handler,
      onError: (e) => errors.push(e),
    });
    pollers.push(poller);
    return poller;
  };
  const send = (key: QueueKey, bodies: string[]) =>
    queues.sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl(key),
        Entries: bodies.map((b, i) => ({
          Id: String(i),
          MessageBody: b,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        })),
      }),
    );

  it('hands the handler a real SQSEvent, deletes only the records that succeeded, and the failed one comes back', async () => {
    const seen: SQSRecord[] = [];
    let failOnce = true;
    poll('alerts', async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(...event.Records);
      const failed = event.Records.filter((r) => r.body === 'bad' && failOnce);
      if (failed.length) failOnce = false;
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await send('alerts', ['ok-1', 'bad', 'ok-2']);

    await until(() => seen.filter((r) => r.body === 'bad').length === 2);
    await until(async () => (await queues.pendingMessages()) === 0);
    expect(seen.map((r) => r.body).sort()).toEqual(['bad', 'bad', 'ok-1', 'ok-2']); // no success handled twice
    expect(errors).toEqual([]);

    const first = seen.find((r) => r.body === 'ok-1');
    expect(first).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArn('alerts'),
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'test' } },
    });
    expect(first?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(first?.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(first?.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
    expect(seen.filter((r) => r.body === 'bad').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  });

  it('a handler that throws leaves the whole batch to come back, as on Lambda', async () => {
    const attempts: string[][] = [];
    poll('publish', async (event) => {
      attempts.push(event.Records.map((r) => r.body).sort());
      if (attempts.length === 1) throw new Error('boom');
    });
    await send('publish', ['a', 'b']);
    await until(() => attempts.length >= 2);
    await until(async () => (await queues.pendingMessages()) === 0);
    expect(attempts).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(errors).toHaveLength(1);
  });

  it('an itemIdentifier that is not in the batch fails the whole batch', async () => {
    let calls = 0;
    poll('expiryChecks', async () => {
      calls++;
      return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] } : undefined;
    });
    await send('expiryChecks', ['x']);
    await until(() => calls === 2);
    await until(async () => (await queues.pendingMessages()) === 0);
    expect(String(errors[0])).toContain('not in the batch');
  });

  it('stop() waits for the batch in flight and deletes what it acknowledged', async () => {
    const release = deferred();
    const started = deferred();
    let handled = 0;
    const poller = poll('postRetries', async () => {
      started.resolve();
      await release.promise;
      handled++;
    });
    expect(poller.idle()).toBe(true);
    await queues.sqsClient().send(new SendMessageCommand({ QueueUrl: queues.queueUrl('postRetries'), MessageBody: 'slow' }));
    await started.promise;
    expect(poller.idle()).toBe(false);

    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await sleep(200);
    expect(stopped).toBe(false); // still waiting for the handler
    release.resolve();
    await stopping;
    expect(handled).toBe(1);
    expect(poller.idle()).toBe(true);
    expect(await queues.depth('postRetries')).toEqual({ visible: 0, inFlight: 0, delayed: 0 }); // deleted before stop resolved
  });

  it('stop() on an idle poller returns within one long poll, and nothing is received after it', async () => {
    let calls = 0;
    const poller = poll('alerts', async () => {
      calls++;
    });
    await sleep(50);
    const t0 = Date.now();
    await poller.stop();
    expect(Date.now() - t0).toBeLessThan(1_500); // default waitTimeSeconds: 1
    await send('alerts', ['after-stop']);
    await sleep(200);
    expect(calls).toBe(0);
    // no poll is left parked in fauxqs to swallow it: it is there at once for the next consumer
    const sqs = queues.sqsClient();
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl('alerts'), WaitTimeSeconds: 0 }));
    expect(Messages.map((m) => m.Body)).toEqual(['after-stop']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.queueUrl('alerts'), ReceiptHandle: Messages[0]?.ReceiptHandle }));
  });

  it('createLocalEventSourceMappings wires one poller per queue to its consumer with the spec batch size', async () => {
    const got: Array<{ consumer: QueueConsumer; arn: string; body: string }> = [];
    const handler =
      (consumer: QueueConsumer): SqsBatchHandler =>
      async (event, context) => {
        expect(context.functionName).toBe(consumer);
        expect(event.Records.length).toBeLessThanOrEqual(Object.values(QUEUES).find((q) => q.consumer === consumer)?.batchSize ?? 0);
        for (const r of event.Records) got.push({ consumer, arn: r.eventSourceARN, body: r.body });
      };
    const mappings = createLocalEventSourceMappings({
      queues,
      handlers: { scanSegment: handler('scanSegment'), expiryCheck: handler('expiryCheck'), alerts: handler('alerts'), postRetries: handler('postRetries'), publish: handler('publish') },
    });
    try {
      const keys = Object.keys(QUEUES) as QueueKey[];
      for (const key of keys) await send(key, [`to-${key}`]);
      await until(() => got.length === keys.length);
      await until(async () => mappings.idle() && (await queues.pendingMessages()) === 0);
      for (const key of keys) {
        expect(got).toContainEqual({ consumer: QUEUES[key].consumer, arn: queues.queueArn(key), body: `to-${key}` });
      }
    } finally {
      await mappings.stop();
    }
  });
});
