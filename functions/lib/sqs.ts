import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { infer as Infer, ZodMiniType } from 'zod/mini';
import { logger } from './runtime.js';

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

/**
 * An SQS consumer with partial batch failures (Powertools batch processor): a record handler that
 * throws fails only that record, which returns after the visibility timeout and, after
 * maxReceiveCount receives, lands in the queue's DLQ.
 */
export function sqsBatchHandler(recordHandler: (record: SQSRecord, context: Context) => Promise<unknown>) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) =>
      processPartialResponse(event, (record: SQSRecord) => recordHandler(record, context), processor, {
        context,
        // Never fail the whole batch: report each failed record instead.
        throwOnFullBatchFailure: false,
      }),
    );
}
