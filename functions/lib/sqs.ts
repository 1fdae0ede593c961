import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { infer as Infer, ZodMiniType } from 'zod/mini';
import { MAX_RECEIVE_COUNT, type QueueKey } from '../../shared/config/messaging.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { logger, metrics, withRecordKeys } from './runtime.js';

/** A record whose body cannot be what this queue carries: retrying will not help, so it goes to the DLQ. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

export function parseRecord<T extends ZodMiniType>(record: SQSRecord, schema: T): Infer<T> {
  let data: unknown;
  try {
    data = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError(`message ${record.messageId} is not JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new MalformedMessageError(`message ${record.messageId} is not valid: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** The stable code of a thrown error: an AppError's or typed error's `code`, else its class name. */
export function errorCodeOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : 'UnknownError';
}

const CORRELATION_KEYS = ['workspaceId', 'connectionId', 'episodeId', 'runId', 'postId'] as const;

/** Correlation keys a message carries (top level, or an EventBridge envelope's detail); none if it is not JSON. */
function correlationKeysOf(body: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return {};
  }
  const keys: Record<string, string> = {};
  for (const source of [data, (data as { detail?: unknown } | null)?.detail]) {
    if (!source || typeof source !== 'object') continue;
    for (const k of CORRELATION_KEYS) {
      const v = (source as Record<string, unknown>)[k];
      if (typeof v === 'string' && v.length <= 200) keys[k] = v;
    }
  }
  return keys;
}

/**
 * Runs one record with its correlation keys on every log line. A failure logs one line with its
 * error code; a record failing on its last receive goes to the DLQ next, and is counted
 * (DeadLetteredRecords, by queue and whether it was malformed) so a filling DLQ shows before owners notice.
 */
async function handleRecord(queue: QueueKey, deps: Pick<Deps, 'log' | 'metrics'>, record: SQSRecord, task: () => Promise<unknown>): Promise<unknown> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  return withRecordKeys({ queue, messageId: record.messageId, ...correlationKeysOf(record.body) }, async () => {
    try {
      return await task();
    } catch (error) {
      const malformed = error instanceof MalformedMessageError;
      const lastReceive = receiveCount >= MAX_RECEIVE_COUNT;
      const line = { errorCode: errorCodeOf(error), receiveCount, deadLetterNext: lastReceive, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) };
      if (lastReceive || malformed) deps.log.error('record failed', line);
      else deps.log.warn('record failed, retried later', line);
      if (lastReceive) deps.metrics.count('deadLettered', { queue, kind: malformed ? 'malformed' : 'failed' });
      throw error;
    }
  });
}

/**
 * An SQS consumer with partial batch failures (Powertools batch processor): a record handler that
 * throws fails only that record, which returns after the visibility timeout and, after
 * maxReceiveCount receives, lands in the queue's DLQ. Metrics are flushed at the end of each invocation.
 */
export function sqsBatchHandler(
  queue: QueueKey,
  deps: Pick<Deps, 'log' | 'metrics'>,
  recordHandler: (record: SQSRecord, context: Context) => Promise<unknown>,
) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) =>
      processPartialResponse(event, (record: SQSRecord) => handleRecord(queue, deps, record, () => recordHandler(record, context)), processor, {
        context,
        // Never fail the whole batch: report each failed record instead.
        throwOnFullBatchFailure: false,
      }),
    );
}
