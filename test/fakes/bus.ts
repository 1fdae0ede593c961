import type { ConnectionEvent, EventType } from '../../shared/config/events.js';
import type { EventBus } from '../../shared/ports/misc.js';

/** The bus: keeps what was published, in order; `failNext` makes the next PutEvents throw (nothing kept). */
export class FakeBus implements EventBus {
  readonly events: ConnectionEvent[] = [];
  private failures = 0;

  async publish(events: ConnectionEvent[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('EventBridge PutEvents failed (fake)');
    }
    this.events.push(...structuredClone(events));
  }

  failNext(times = 1): void {
    this.failures += times;
  }

  of(type: EventType, connectionId?: string): ConnectionEvent[] {
    return this.events.filter((e) => e.type === type && (connectionId === undefined || e.detail.connectionId === connectionId));
  }
}
