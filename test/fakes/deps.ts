import type { Deps } from '../../shared/use-cases/deps.js';
import { FakeBus } from './bus.js';
import { FakeClock } from './clock.js';
import { fakeCipher } from './data-keys.js';
import { FakeIds } from './ids.js';
import { FakeLog } from './log.js';
import { FakeMailer } from './mailer.js';
import { FakeMetrics } from './metrics.js';
import { fakePlatforms } from './platforms.js';
import { FakeQueues } from './queues.js';
import { FakeStore } from './store.js';

/** Every port faked, the fakes typed as themselves (to seed and inspect) and together as Deps. */
export function fakeDeps(start?: string) {
  const clock = new FakeClock(start);
  const { cipher, keys } = fakeCipher();
  const fakes = {
    store: new FakeStore(),
    bus: new FakeBus(),
    queues: new FakeQueues(),
    mailer: new FakeMailer(),
    cipher,
    keys,
    platforms: fakePlatforms(clock),
    clock,
    ids: new FakeIds(),
    config: { dashboardOrigin: 'https://app.flamel.test', apiBaseUrl: 'https://api.flamel.test' },
    log: new FakeLog(),
    metrics: new FakeMetrics(),
  };
  const deps: Deps = fakes;
  return { ...fakes, deps };
}

export type Fakes = ReturnType<typeof fakeDeps>;
