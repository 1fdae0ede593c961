import { eventBridgeEnvelopeSchema } from '../../shared/config/events.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { notifyOwners } from '../../shared/use-cases/notify-owners.js';
import { lazyHandler } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyMailer } from '../lib/aws/senders.js';
import { parseRecord, sqsBatchHandler } from '../lib/sqs.js';

/** connection.expired / expiring / restored -> dashboard alert and owner emails, once per episode. */
export function createAlertsHandler(deps: Deps) {
  return sqsBatchHandler('alerts', deps, async (record) => {
    const event = parseRecord(record, eventBridgeEnvelopeSchema);
    // The receive count lets an email listing failed posts wait once or twice for the rest of a burst.
    return notifyOwners(deps, event['detail-type'], event.detail, { receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1 });
  });
}

export const handler = lazyHandler(createAlertsHandler, awsDeps('alerts', { mailer: lazyMailer }));
