import type { Deps } from '../../shared/use-cases/deps.js';

/** Tests: at-least-once at its worst. */
export interface ChaosOptions {
  /** Every event and queue message delivered twice. */
  duplicateEverything?: boolean;
  /** Each event and queue message sent on its own after a random delay (up to this many ms), so they arrive shuffled. */
  shuffleDeliveriesMs?: number;
}

function randomDelay(maxMs: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.floor(Math.random() * maxMs)));
}

/** Sends `items` as asked: doubled, and/or one by one after a random delay; else unchanged. */
async function deliver<T>(items: T[], opts: ChaosOptions, send: (batch: T[]) => Promise<void>): Promise<void> {
  const all = opts.duplicateEverything ? items.flatMap((i) => [i, i]) : items;
  if (!opts.shuffleDeliveriesMs) return send(all);
  const maxMs = opts.shuffleDeliveriesMs;
  await Promise.all(all.map(async (i) => { await randomDelay(maxMs); await send([i]); }));
}

export function chaoticBus(bus: Deps['bus'], opts: ChaosOptions): Deps['bus'] {
  if (!opts.duplicateEverything && !opts.shuffleDeliveriesMs) return bus;
  return { publish: (events) => deliver(events, opts, (batch) => bus.publish(batch)) };
}

export function chaoticQueues(queues: Deps['queues'], opts: ChaosOptions): Deps['queues'] {
  if (!opts.duplicateEverything && !opts.shuffleDeliveriesMs) return queues;
  return { sendBatch: (q, bodies) => deliver(bodies, opts, (batch) => queues.sendBatch(q, batch)) };
}
