import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, wireDetail, type ConnectionEvent } from '../../config/events.js';
import type { EventBus } from '../../ports/misc.js';

/** EventBridge PutEvents (10 entries per call); a failed entry fails the call so the caller retries. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: ConnectionEvent[]): Promise<void> {
    // The command is imported on first send, not with the module: a Lambda function that may send but
    // seldom does loads the client only then (functions/lib/aws/senders.ts).
    const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    for (let i = 0; i < events.length; i += 10) {
      const chunk = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((e) => ({ EventBusName: this.busName, Source: EVENT_SOURCE, DetailType: e.type, Detail: JSON.stringify(wireDetail(e.detail)) })),
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const first = out.Entries?.find((x) => x.ErrorCode);
        throw new Error(`EventBridge refused ${out.FailedEntryCount} event(s): ${first?.ErrorCode ?? ''} ${first?.ErrorMessage ?? ''}`);
      }
    }
  }
}
