/**
 * At most `limit` tasks in flight per key (here: per platform) in this process; the rest wait in
 * order. One Lambda instance handles one batch at a time, so the bound across a scan run is
 * `limit` x the queue's maximum concurrency, however large the table.
 */
export class KeyedLimiter<K> {
  private readonly inFlight = new Map<K, number>();
  private readonly waiting = new Map<K, (() => void)[]>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  async run<T>(key: K, task: () => Promise<T>): Promise<T> {
    if ((this.inFlight.get(key) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(key) ?? [];
        queue.push(resolve);
        this.waiting.set(key, queue);
      });
    } else {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (the count stays), or free it.
      const next = this.waiting.get(key)?.shift();
      if (next) next();
      else this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }

  active(key: K): number {
    return this.inFlight.get(key) ?? 0;
  }
}
