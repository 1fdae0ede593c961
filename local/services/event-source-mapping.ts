import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import { QUEUES, type QueueKey } from '../../shared/config/messaging.js';

/** A Lambda handler for an SQS event source with ReportBatchItemFailures turned on. */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** The consumer names of `QUEUES` (`expiryCheck`, `alerts`, ...): which function each queue feeds. */
export type QueueConsumer = (typeof QUEUES)[QueueKey]['consumer'];

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Read from the queue (GetQueueAttributes) when not given. */
  queueArn?: string;
  /** MaxNumberOfMessages per ReceiveMessage, 1..10 (the mapping's batch size). */
  batchSize: number;
  handler: SqsBatchHandler;
  /**
   * Long-poll wait, 0..20 s (default 1). A poll returns as soon as a message arrives, so this only bounds
   * how long `stop()` waits for a parked poll. Polls are never aborted: fauxqs keeps serving an aborted
   * long poll and would hand the next message to a consumer that is gone (hidden for a visibility timeout).
   */
  waitTimeSeconds?: number;
  /** Name given to the handler's Lambda context (default: the queue's name). */
  functionName?: string;
  /** Called when the handler throws or reports an unusable response, and when SQS calls fail. The batch is then retried by SQS. */
  onError?: (error: unknown) => void;
}

export interface QueuePoller {
  /**
   * Stops polling: waits for the poll in progress (at most `waitTimeSeconds`) and for the batch in flight
   * to be handled and its successes deleted, so nothing acknowledged is lost and nothing is left hidden.
   */
  stop(): Promise<void>;
  /** No batch in flight (a parked long poll counts as idle). */
  idle(): boolean;
  /**
   * Gives up a long poll parked with no batch in flight (it ends at once, empty). Only for when nothing can
   * send to the queue any more: fauxqs keeps serving an aborted poll, and a message it hands to it stays
   * hidden for a visibility timeout.
   */
  abandonParkedPoll(): void;
  /** Batches received plus batches finished so far: unchanged over a span means nothing moved in it. */
  activity(): number;
}

const REGION = 'us-east-1';
/** Lambda's default function timeout, for the context's getRemainingTimeInMillis. */
const HANDLER_TIMEOUT_MS = 30_000;
const ERROR_BACKOFF_MS = 500;

/**
 * A local stand-in for a Lambda SQS event-source mapping with ReportBatchItemFailures: long-polls the
 * queue, hands each batch to the handler as a real `SQSEvent`, deletes the records that succeeded and
 * leaves the failed ones to reappear after the visibility timeout (and, after MAX_RECEIVE_COUNT
 * receives, to move to the DLQ through the queue's redrive policy). A handler that throws, or answers
 * with an itemIdentifier that is not in the batch, fails the whole batch, as on Lambda.
 */
export function startQueuePoller(opts: QueuePollerOptions): QueuePoller {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 10) {
    throw new RangeError(`batchSize must be 1..10, got ${opts.batchSize}`);
  }
  const waitTimeSeconds = opts.waitTimeSeconds ?? 1;
  if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20) {
    throw new RangeError(`waitTimeSeconds must be 0..20, got ${waitTimeSeconds}`);
  }
  const onError = opts.onError ?? ((error: unknown) => console.error(`[queue-poller ${opts.queueUrl}]`, error));
  const functionName = opts.functionName ?? opts.queueUrl.split('/').pop() ?? 'local-consumer';

  let stopping = false;
  let inFlight = false;
  let activity = 0;
  let parkedPoll: AbortController | undefined;
  let wakeBackoff: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeBackoff = undefined;
        resolve();
      }
      wakeBackoff = done;
    });

  const loop = async () => {
    let queueArn = opts.queueArn;
    while (!stopping && !queueArn) {
      try {
        const res = await opts.sqs.send(new GetQueueAttributesCommand({ QueueUrl: opts.queueUrl, AttributeNames: ['QueueArn'] }));
        queueArn = res.Attributes?.QueueArn;
        if (!queueArn) throw new Error(`queue ${opts.queueUrl} reported no QueueArn`);
      } catch (error) {
        onError(error);
        await pause(ERROR_BACKOFF_MS);
      }
    }

    while (!stopping && queueArn) {
      let messages: Message[];
      parkedPoll = new AbortController();
      try {
        const res = await opts.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: opts.batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: parkedPoll.signal },
        );
        messages = res.Messages ?? [];
      } catch (error) {
        if (stopping) break;
        onError(error);
        await pause(ERROR_BACKOFF_MS);
        continue;
      } finally {
        parkedPoll = undefined;
      }
      if (messages.length === 0) continue;

      // Once received, a batch is handled to the end, even when stop() was called during the poll.
      inFlight = true;
      activity++;
      try {
        await handleBatch(opts, queueArn, functionName, messages, onError);
      } finally {
        inFlight = false;
        activity++;
      }
    }
  };

  const running = loop();
  return {
    idle: () => !inFlight,
    activity: () => activity,
    abandonParkedPoll: () => {
      if (stopping && !inFlight) parkedPoll?.abort();
    },
    async stop() {
      stopping = true;
      wakeBackoff?.();
      await running;
    },
  };
}

async function handleBatch(
  opts: QueuePollerOptions,
  queueArn: string,
  functionName: string,
  messages: Message[],
  onError: (error: unknown) => void,
): Promise<void> {
  const records = messages.map((m) => toSqsRecord(m, queueArn));
  let response: SQSBatchResponse | void;
  try {
    response = await opts.handler({ Records: records }, lambdaContext(functionName, HANDLER_TIMEOUT_MS / 1000));
  } catch (error) {
    onError(error);
    return; // nothing deleted: the whole batch comes back after its visibility timeout
  }

  const failures = response?.batchItemFailures ?? [];
  const known = new Set(records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const f of failures) {
    if (typeof f?.itemIdentifier !== 'string' || !known.has(f.itemIdentifier)) {
      // Lambda reads a missing or unknown itemIdentifier as "the whole batch failed".
      onError(new Error(`handler reported batchItemFailure ${JSON.stringify(f)} that is not in the batch; the whole batch is retried`));
      return;
    }
    failed.add(f.itemIdentifier);
  }

  const done = records.filter((r) => !failed.has(r.messageId));
  if (done.length === 0) return;
  try {
    const res = await opts.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: opts.queueUrl,
        Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
    if (res.Failed?.length) onError(new Error(`DeleteMessageBatch failed for ${JSON.stringify(res.Failed)}`));
  } catch (error) {
    onError(error); // the undeleted records come back and are handled again: consumers are idempotent
  }
}

/** The record Lambda builds from an SQS message. */
export function toSqsRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  const now = String(Date.now());
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? now,
      SenderId: a.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? now,
      ...(a.AWSTraceHeader ? { AWSTraceHeader: a.AWSTraceHeader } : {}),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes: toRecordAttributes(m.MessageAttributes),
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] || REGION,
  };
}

function toRecordAttributes(attrs: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  const b64 = (v: Uint8Array) => Buffer.from(v).toString('base64');
  for (const [name, v] of Object.entries(attrs ?? {})) {
    out[name] = {
      dataType: v.DataType ?? 'String',
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { binaryValue: b64(v.BinaryValue) } : {}),
      stringListValues: v.StringListValues ?? [],
      binaryListValues: (v.BinaryListValues ?? []).map(b64),
    };
  }
  return out;
}

/** Where the mappings find each queue: a subset of LocalQueues. */
export interface QueueLocator {
  sqsClient(): SQSClient;
  queueUrl(key: QueueKey): string;
  queueArn?(key: QueueKey): string;
}

export interface LocalEventSourceMappings {
  /** Stops every poller; each waits for its batch in flight. */
  stop(): Promise<void>;
  /** No poller has a batch in flight. */
  idle(): boolean;
  /** Every poller's activity, summed. */
  activity(): number;
  /** The poller of one queue (for tests and diagnostics). */
  poller(key: QueueKey): QueuePoller;
}

/**
 * `maxConcurrency` pollers per queue of `QUEUES`, each calling the handler of the queue's consumer with the spec's
 * batch size: the local counterpart of the stack's SqsEventSource mappings.
 */
export function createLocalEventSourceMappings(opts: {
  queues: QueueLocator;
  handlers: Record<QueueConsumer, SqsBatchHandler>;
  waitTimeSeconds?: number;
  onError?: (error: unknown, queue: QueueKey) => void;
  /** Run `maxConcurrency` pollers per queue, as AWS does (default: one; faster in one process). */
  awsConcurrency?: boolean;
}): LocalEventSourceMappings {
  const pollers = new Map<QueueKey, QueuePoller[]>();
  for (const key of Object.keys(QUEUES) as QueueKey[]) {
    const spec = QUEUES[key];
    const onError = opts.onError;
    // Everything shares one Node process here, so extra pollers add contention, not speed; tests that
    // want AWS's concurrent batches ask for them.
    pollers.set(
      key,
      Array.from({ length: opts.awsConcurrency ? spec.maxConcurrency : 1 }, () => startQueuePoller({
        sqs: opts.queues.sqsClient(),
        queueUrl: opts.queues.queueUrl(key),
        ...(opts.queues.queueArn ? { queueArn: opts.queues.queueArn(key) } : {}),
        batchSize: spec.batchSize,
        handler: opts.handlers[spec.consumer],
        functionName: spec.consumer,
        ...(opts.waitTimeSeconds !== undefined ? { waitTimeSeconds: opts.waitTimeSeconds } : {}),
        ...(onError ? { onError: (error: unknown) => onError(error, key) } : {}),
      })),
    );
  }
  const all = () => [...pollers.values()].flat();
  return {
    stop: async () => {
      const pollers = all();
      const stopped = Promise.all(pollers.map((p) => p.stop()));
      // Once no batch is in flight anywhere (the runtime stops its HTTP server and schedules first),
      // nothing sends to a queue any more: a parked long poll can only end empty, so it is given up
      // instead of waited for (up to its wait time).
      while (!pollers.every((p) => p.idle())) await new Promise((r) => setTimeout(r, 10));
      for (const p of pollers) p.abandonParkedPoll();
      await stopped;
    },
    idle: () => all().every((p) => p.idle()),
    activity: () => all().reduce((sum, p) => sum + p.activity(), 0),
    poller: (key) => {
      const p = pollers.get(key)?.[0];
      if (!p) throw new Error(`no poller for ${key}`);
      return p;
    },
  };
}
