import { afterEach, describe, expect, it } from 'vitest';
import { createMovableClock, firingsBetween, startDailyTimer, type DailyTimer } from '../../../local/services/clock.js';
import { DAILY_SCAN } from '../../../shared/config/messaging.js';

const DAY = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('movable clock', () => {
  it('starts where asked, flows with real time and only moves forward', async () => {
    const clock = createMovableClock(new Date('2030-01-01T00:00:00Z'));
    const t0 = clock.now().getTime();
    expect(Math.abs(t0 - Date.parse('2030-01-01T00:00:00Z'))).toBeLessThan(50);
    await sleep(30);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(t0 + 25);

    const offset = clock.offsetMs();
    clock.advanceDays(2);
    clock.advanceMs(500);
    expect(clock.offsetMs()).toBe(offset + 2 * DAY + 500);
    expect(clock.now().getTime() - t0).toBeGreaterThanOrEqual(2 * DAY + 500);
    expect(() => clock.advanceDays(-1)).toThrow(RangeError);
    expect(() => clock.advanceMs(Number.NaN)).toThrow(RangeError);
  });

  it('without a start it is the real clock until moved', () => {
    const clock = createMovableClock();
    expect(clock.offsetMs()).toBe(0);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(5);
  });
});

describe('firingsBetween', () => {
  it('lists the hourUtc instants in (from, to]', () => {
    const at = (s: string) => Date.parse(s);
    expect(firingsBetween(at('2030-01-01T05:00:00Z'), at('2030-01-01T05:59:59Z'), 6)).toEqual([]);
    expect(firingsBetween(at('2030-01-01T05:00:00Z'), at('2030-01-01T06:00:00Z'), 6)).toEqual([new Date('2030-01-01T06:00:00Z')]);
    expect(firingsBetween(at('2030-01-01T06:00:00Z'), at('2030-01-02T05:00:00Z'), 6)).toEqual([]); // 06:00 itself was already passed
    expect(firingsBetween(at('2030-01-01T07:00:00Z'), at('2030-01-04T06:30:00Z'), 6).map((d) => d.toISOString())).toEqual([
      '2030-01-02T06:00:00.000Z',
      '2030-01-03T06:00:00.000Z',
      '2030-01-04T06:00:00.000Z',
    ]);
  });
});

describe('daily timer', () => {
  let timer: DailyTimer | undefined;
  afterEach(async () => {
    await timer?.stop();
    timer = undefined;
  });

  it('fires once per crossed day, on its own ticks, including after an advanceDays jump', async () => {
    const clock = createMovableClock(new Date('2030-01-01T05:59:59.900Z'));
    const fired: string[] = [];
    timer = startDailyTimer(clock, DAILY_SCAN.hourUtc, async (at) => void fired.push(at.toISOString()), { checkEveryMs: 20 });

    await sleep(300); // real time crosses 06:00 on the local clock
    expect(fired).toEqual(['2030-01-01T06:00:00.000Z']);
    await sleep(100);
    expect(fired).toHaveLength(1); // once, not on every tick

    clock.advanceDays(3);
    await sleep(150);
    expect(fired).toEqual(['2030-01-01T06:00:00.000Z', '2030-01-02T06:00:00.000Z', '2030-01-03T06:00:00.000Z', '2030-01-04T06:00:00.000Z']);

    clock.advanceMs(12 * 60 * 60 * 1000); // to about 18:00: no 06:00 crossed
    await sleep(100);
    expect(fired).toHaveLength(4);
  });

  it('checks one at a time, keeps going after a failed firing, and stop() waits for a firing', async () => {
    const clock = createMovableClock(new Date('2030-01-01T12:00:00Z'));
    const calls: string[] = [];
    const errors: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    timer = startDailyTimer(
      clock,
      6,
      async (at) => {
        calls.push(at.toISOString().slice(0, 10));
        if (calls.length === 1) throw new Error('scan failed');
        if (calls.length === 2) await gate;
      },
      { checkEveryMs: 60_000, onError: (_e, at) => errors.push(at.toISOString().slice(0, 10)) },
    );
    expect(await timer.checkNow()).toBe(0);

    clock.advanceDays(2);
    const first = timer.checkNow();
    const second = timer.checkNow(); // waits for the first check; finds nothing new
    await sleep(20);
    expect(calls).toEqual(['2030-01-02', '2030-01-03']);
    expect(errors).toEqual(['2030-01-02']);

    let stopped = false;
    const stopping = timer.stop().then(() => (stopped = true));
    await sleep(30);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await first).toBe(2);
    expect(await second).toBe(0);
    timer = undefined;
  });
});
