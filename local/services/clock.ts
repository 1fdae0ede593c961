import type { Clock } from '../../shared/ports/misc.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The system's clock locally: real time plus an offset that only ever grows (`POST /local/clock`). */
export interface MovableClock extends Clock {
  advanceDays(days: number): void;
  advanceMs(ms: number): void;
  /** How far this clock runs ahead of the real one, in ms. */
  offsetMs(): number;
}

/** Starts at `start` (default: now) and flows with the real clock from there. */
export function createMovableClock(start?: Date): MovableClock {
  let offset = start ? start.getTime() - Date.now() : 0;
  if (Number.isNaN(offset)) throw new RangeError('start is not a valid date');
  const advanceMs = (ms: number) => {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward; got ${ms} ms`);
    offset += ms;
  };
  return {
    now: () => new Date(Date.now() + offset),
    advanceMs,
    advanceDays: (days) => advanceMs(days * DAY_MS),
    offsetMs: () => offset,
  };
}

export interface DailyTimer {
  /** Looks at the clock now instead of waiting for the next tick; resolves with how many days fired. */
  checkNow(): Promise<number>;
  /** Stops ticking; waits for a firing in progress. */
  stop(): Promise<void>;
}

export interface DailyTimerOptions {
  /** How often the clock is read (default 5 s). */
  checkEveryMs?: number;
  /** A firing that threw (the timer goes on with the next day). Default: console.error. */
  onError?: (error: unknown, scheduledAt: Date) => void;
}

/**
 * The local EventBridge Scheduler for a daily cron at `hourUtc`: every few seconds it reads `clock` and
 * fires once for each day whose `hourUtc:00` passed since the previous read, in order, so a jump of
 * `advanceDays(3)` fires three times. The time it was started counts as already checked.
 */
export function startDailyTimer(
  clock: Clock,
  hourUtc: number,
  fire: (scheduledAt: Date) => Promise<void>,
  opts: DailyTimerOptions = {},
): DailyTimer {
  if (!Number.isInteger(hourUtc) || hourUtc < 0 || hourUtc > 23) throw new RangeError(`hourUtc must be 0..23, got ${hourUtc}`);
  const onError = opts.onError ?? ((error: unknown, at: Date) => console.error(`[daily-timer] firing for ${at.toISOString()} failed`, error));
  let lastChecked = clock.now().getTime();
  let running: Promise<number> | undefined;
  let stopped = false;

  const check = async (): Promise<number> => {
    const now = clock.now().getTime();
    const due = firingsBetween(lastChecked, now, hourUtc);
    lastChecked = Math.max(lastChecked, now);
    for (const at of due) {
      if (stopped) break;
      try {
        await fire(at);
      } catch (error) {
        onError(error, at);
      }
    }
    return due.length;
  };
  // One check at a time: a tick that finds one still running waits for it, then looks again.
  const checkNow = async (): Promise<number> => {
    while (running) await running;
    running = check().finally(() => {
      running = undefined;
    });
    return running;
  };

  const interval = setInterval(() => {
    if (!running && !stopped) void checkNow();
  }, opts.checkEveryMs ?? 5_000);
  interval.unref();

  return {
    checkNow,
    async stop() {
      stopped = true;
      clearInterval(interval);
      while (running) await running;
    },
  };
}

/** The instants `hourUtc:00:00.000` in (fromMs, toMs], oldest first. */
export function firingsBetween(fromMs: number, toMs: number, hourUtc: number): Date[] {
  const out: Date[] = [];
  const from = new Date(fromMs);
  let at = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), hourUtc);
  if (at <= fromMs) at += DAY_MS;
  for (; at <= toMs; at += DAY_MS) out.push(new Date(at));
  return out;
}
