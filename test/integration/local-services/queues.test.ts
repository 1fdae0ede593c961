import { DeleteMessageCommand, GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSqsClient, startLocalQueues, type LocalQueues } from '../../../local/services/queues.js';
import { dlqName, MAX_RECEIVE_COUNT, QUEUES, type QueueKey } from '../../../shared/config/messaging.js';

const KEYS = Object.keys(QUEUES) as QueueKey[];

describe('local queues (fauxqs)', () => {
  let queues: LocalQueues;

  beforeAll(async () => {
    queues = await startLocalQueues({ visibilityTimeoutSeconds: () => 1 });
  });
  afterAll(async () => {
    await queues?.stop();
  });

  it('creates every queue of QUEUES and its DLQ, on loopback', async () => {
    expect(queues.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sqs = queues.sqsClient();
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    const names = QueueUrls.map((u) => u.split('/').pop()).sort();
    expect(names).toEqual(KEYS.flatMap((k) => [QUEUES[k].name, dlqName(QUEUES[k])]).sort());
    for (const key of KEYS) {
      expect(queues.queueUrl(key)).toBe(`${queues.endpoint}/000000000000/${QUEUES[key].name}`);
      expect(queues.dlqArn(key)).toBe(`arn:aws:sqs:us-east-1:000000000000:${dlqName(QUEUES[key])}`);
      const { Attributes: a = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl(key), AttributeNames: ['VisibilityTimeout', 'RedrivePolicy', 'QueueArn'] }),
      );
      expect(a.QueueArn).toBe(queues.queueArn(key));
      expect(a.VisibilityTimeout).toBe('1');
      expect(JSON.parse(a.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: queues.dlqArn(key), maxReceiveCount: MAX_RECEIVE_COUNT });
    }
  });

  it('hands out queue URLs that a client without an endpoint can reach (the SDK then sends to the URL)', async () => {
    const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }; // it warns that it uses the URL's host
    const bare = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, logger: quiet });
    try {
      const url = queues.queueUrl('publish');
      await bare.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
      const { Messages = [] } = await bare.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
      expect(Messages.map((m) => m.Body)).toEqual(['hello']);
      await bare.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: Messages[0]?.ReceiptHandle }));
      expect(await queues.depth('publish')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    } finally {
      bare.destroy();
    }
  });

  it(`moves a message received ${MAX_RECEIVE_COUNT} times without a delete to the DLQ`, async () => {
    const sqs = queues.sqsClient();
    const url = queues.queueUrl('alerts');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"poison":true}' }));
    expect(await queues.depth('alerts')).toEqual({ visible: 1, inFlight: 0, delayed: 0 });

    for (let receive = 1; receive <= MAX_RECEIVE_COUNT; receive++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 3, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
      );
      expect(Messages).toHaveLength(1);
      expect(Messages[0]?.Attributes?.ApproximateReceiveCount).toBe(String(receive));
      expect(await queues.depth('alerts')).toMatchObject({ visible: 0, inFlight: 1 });
      // not deleted: it reappears after the 1 s visibility timeout
    }

    // The next receive finds it over maxReceiveCount and moves it to the DLQ instead of handing it out.
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
    expect(after.Messages ?? []).toHaveLength(0);
    expect(await queues.depth('alerts')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await queues.dlqDepth('alerts')).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.dlqUrl('alerts') }));
    expect(dead.Messages?.[0]?.Body).toBe('{"poison":true}');
    expect(await queues.pendingMessages()).toBe(0); // the DLQ is not "pending work"
  }, 15_000);
});

describe('local queues without an override', () => {
  it('use the visibility timeouts of the spec, and stop cleanly', async () => {
    const queues = await startLocalQueues();
    const sqs = localSqsClient(queues.endpoint);
    try {
      for (const key of KEYS) {
        const { Attributes: a = {} } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl(key), AttributeNames: ['VisibilityTimeout'] }),
        );
        expect(a.VisibilityTimeout).toBe(String(QUEUES[key].visibilityTimeoutSeconds));
      }
    } finally {
      sqs.destroy();
      await queues.stop();
    }
  });

  it('refuses a visibility timeout SQS would refuse', async () => {
    await expect(startLocalQueues({ visibilityTimeoutSeconds: () => 0.5 })).rejects.toThrow(RangeError);
  });
});
