import { scanSegmentMessageSchema } from '../../shared/config/messages.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { readScanSegment } from '../../shared/use-cases/scan-run.js';
import { lazyHandler } from '../lib/runtime.js';
import { parseRecord, sqsBatchHandler } from '../lib/sqs.js';
import { awsDeps } from '../lib/aws/deps.js';
import { sqsQueueSender } from '../lib/aws/sqs.js';

/**
 * Reads one step of one due-index segment (batch size 1): bounded by its item budget and by the
 * invocation's remaining time; what is left goes on as the segment's next message.
 */
export function createScanSegmentHandler(deps: Deps) {
  return sqsBatchHandler('scanSegments', deps, async (record, context) => {
    const msg = parseRecord(record, scanSegmentMessageSchema);
    const result = await readScanSegment(deps, msg, { remainingMs: () => context.getRemainingTimeInMillis() });
    deps.log.info('scan segment read', { segment: msg.segment, step: msg.step, ...result });
    return result;
  });
}

// It sends on every invocation (checks, its cursor): SQS loads at cold start.
export const handler = lazyHandler(createScanSegmentHandler, awsDeps('scanSegment', { queues: sqsQueueSender }));
