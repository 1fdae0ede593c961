import type { Clock } from '../../shared/ports/misc.js';

/** A clock that moves only when the test moves it. */
export class FakeClock implements Clock {
  private t: number;
  constructor(start = '2026-06-01T09:00:00.000Z') {
    this.t = Date.parse(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  iso(): string {
    return this.now().toISOString();
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advanceMinutes(minutes: number): void {
    this.t += minutes * 60_000;
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}
