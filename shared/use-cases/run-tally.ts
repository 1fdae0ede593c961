import type { Platform } from '../config/platforms.js';
import type { CheckOutcome } from '../domain/check-outcome.js';

/** The run counters one check adds (ScanRunStats.counts): overall and per platform. */
export function outcomeCounters(platform: Platform, outcome: CheckOutcome): string[] {
  return ['checked', outcome, `checked:${platform}`, `${outcome}:${platform}`];
}

/**
 * A queue message's view of its run's counters: what the store held when the message started (or
 * answered at its last write) plus the outcomes of this message not yet written. The message writes
 * its outcomes once, at its end (`drain`), so the run's counters cost one write per message instead
 * of one per check; the guards that read them mid-message decide on `counts()`, which never misses
 * one of the message's own checks and lags other messages by at most their unwritten outcomes.
 */
export class RunTally {
  private pending: Record<string, number> = {};

  constructor(private stored: Record<string, number>) {}

  add(platform: Platform, outcome: CheckOutcome): void {
    for (const name of outcomeCounters(platform, outcome)) this.pending[name] = (this.pending[name] ?? 0) + 1;
  }

  /** The stored counters (`fresher`: as a write just answered them) with this message's unwritten outcomes on top. */
  counts(fresher?: Record<string, number>): Record<string, number> {
    if (fresher) this.stored = fresher;
    const merged = { ...this.stored };
    for (const [name, n] of Object.entries(this.pending)) merged[name] = (merged[name] ?? 0) + n;
    return merged;
  }

  /** The unwritten outcomes, handed over for the message's one write (and forgotten here). */
  drain(): Record<string, number> {
    const out = this.pending;
    this.pending = {};
    return out;
  }
}
