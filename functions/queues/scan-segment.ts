import { int, maxLength, minLength, nonnegative, number, object, optional, string } from 'zod/mini';
import type { Deps } from '../../shared/use-cases/deps.js';
import { readScanSegment } from '../../shared/use-cases/scan-run.js';
import { lazyHandler } from '../lib/runtime.js';
import { parseRecord, sqsBatchHandler } from '../lib/sqs.js';

const count = () => number().check(int(), nonnegative());
const messageSchema = object({
  runId: string().check(minLength(1), maxLength(100)),
  until: string().check(minLength(20), maxLength(30)),
  segment: count(),
  step: count(),
  cursor: optional(string().check(minLength(1), maxLength(4_000))),
  readBefore: count(),
});

/**
 * Reads one step of one due-index segment (batch size 1): bounded by its item budget and by the
 * invocation's remaining time; what is left goes on as the segment's next message.
 */
export function createScanSegmentHandler(deps: Deps) {
  return sqsBatchHandler('scanSegments', deps, async (record, context) => {
    const msg = parseRecord(record, messageSchema);
    const result = await readScanSegment(deps, msg, { remainingMs: () => context.getRemainingTimeInMillis() });
    deps.log.info('scan segment read', { segment: msg.segment, step: msg.step, ...result });
    return result;
  });
}

export const handler = lazyHandler(createScanSegmentHandler);
