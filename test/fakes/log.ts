import type { Log } from '../../shared/use-cases/deps.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
  extra: Record<string, unknown>;
}

/** The logger: lines kept (with the correlation keys of `with`) for tests that assert what operators see. */
export class FakeLog implements Log {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly keys: Record<string, string | undefined> = {},
  ) {}
  info(message: string, extra: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', message, extra: { ...this.keys, ...extra } });
  }
  warn(message: string, extra: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', message, extra: { ...this.keys, ...extra } });
  }
  error(message: string, extra: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', message, extra: { ...this.keys, ...extra } });
  }
  debug(message: string, extra: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'debug', message, extra: { ...this.keys, ...extra } });
  }
  with(keys: Record<string, string | undefined>): Log {
    return new FakeLog(this.lines, { ...this.keys, ...keys });
  }
  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((l) => l.level === level);
  }
}
