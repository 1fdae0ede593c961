/**
 * A fetch for the platform adapters that fails a seeded share of the sandbox calls with a 503, a 429
 * with Retry-After, or a timeout, and records how many calls were in flight per platform at most.
 * The seed (FAULT_SEED, default 7) makes a failure replayable.
 */
export interface FaultyFetch {
  fetch: typeof fetch;
  /** The share of calls that fail, 0..1 (split evenly over the three faults). */
  share: number;
  readonly faults: { '503': number; '429': number; timeout: number };
  /** Highest number of calls in flight at once, per platform (from the sandbox path). */
  readonly maxInFlight: Map<string, number>;
}

/** A small seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export function faultyFetch(seed = Number(process.env.FAULT_SEED ?? 7)): FaultyFetch {
  const random = prng(seed);
  const inFlight = new Map<string, number>();
  const f: FaultyFetch = {
    share: 0,
    faults: { '503': 0, '429': 0, timeout: 0 },
    maxInFlight: new Map(),
    fetch: async (input, init) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const platform = /^\/sandbox\/([^/]+)\//.exec(url.pathname)?.[1] ?? 'other';
      inFlight.set(platform, (inFlight.get(platform) ?? 0) + 1);
      f.maxInFlight.set(platform, Math.max(f.maxInFlight.get(platform) ?? 0, inFlight.get(platform) ?? 0));
      try {
        const roll = random();
        if (roll < f.share / 3) {
          f.faults['503'] += 1;
          return json(503, { message: 'Service Unavailable' });
        }
        if (roll < (2 * f.share) / 3) {
          f.faults['429'] += 1;
          return json(429, { message: 'Too Many Requests' }, { 'retry-after': '1' });
        }
        if (roll < f.share) {
          f.faults.timeout += 1;
          await new Promise((r) => setTimeout(r, 20));
          throw Object.assign(new Error('The operation timed out.'), { name: 'TimeoutError' });
        }
        return await fetch(input, init);
      } finally {
        inFlight.set(platform, (inFlight.get(platform) ?? 1) - 1);
      }
    },
  };
  return f;
}
