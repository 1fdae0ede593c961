import { expiryCheckMessageSchema } from '../../shared/config/messages.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { checkMessage } from '../../shared/use-cases/scan.js';
import { lazyHandler } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyEventBus } from '../lib/aws/senders.js';
import { kmsDataKeys } from '../lib/aws/kms.js';
import { secretsManagerPlatforms } from '../lib/aws/platforms.js';
import { parseRecord, sqsBatchHandler } from '../lib/sqs.js';

/** Checks each connection of a scan batch; a connection that throws fails the record (retried, then DLQ). */
export function createExpiryCheckHandler(deps: Deps) {
  return sqsBatchHandler('expiryChecks', deps, async (record) => {
    const msg = parseRecord(record, expiryCheckMessageSchema);
    // checkMessage shares the message's reads and writes between its checks and bounds the platform
    // calls in flight per platform (CHECKS_IN_FLIGHT_PER_PLATFORM).
    const results = await checkMessage(deps, msg);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // Re-running the record is safe: connections already checked are no longer due and are skipped.
    if (failures.length > 0) throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
  });
}

export const handler = lazyHandler(createExpiryCheckHandler, awsDeps('expiryCheck', { bus: lazyEventBus, dataKeys: kmsDataKeys, platforms: secretsManagerPlatforms }));
