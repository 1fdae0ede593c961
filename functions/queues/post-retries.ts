import { eventBridgeEnvelopeSchema } from '../../shared/config/events.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { enqueueFailedPostRetries } from '../../shared/use-cases/fan-out-retries.js';
import { lazyHandler } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { sqsQueueSender } from '../lib/aws/sqs.js';
import { parseRecord, sqsBatchHandler } from '../lib/sqs.js';

/** connection.restored (or connected) -> every failed post of the connection onto the publish queue. */
export function createPostRetriesHandler(deps: Deps) {
  return sqsBatchHandler('postRetries', deps, async (record) => enqueueFailedPostRetries(deps, parseRecord(record, eventBridgeEnvelopeSchema).detail));
}

export const handler = lazyHandler(createPostRetriesHandler, awsDeps('postRetries', { queues: sqsQueueSender }));
