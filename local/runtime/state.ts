import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `--data DIR` keeps besides the table (dynalite on disk) and the keys: the local clock, the
 * sandbox platforms, and the queues' messages (a journal written as they change; `queues.json` is
 * what older versions wrote at a stop).
 */
export const STATE_FILES = { clock: 'clock.json', sandbox: 'sandbox.json', queues: 'queues.json', queueJournal: 'queues.journal', dynamo: 'dynamo' } as const;
const KEY_FILES = { token: 'token-master.key', session: 'session.key' } as const;

/** The state folder of `--data DIR`; without one (in memory) every read finds nothing and every write is dropped. */
export class StateDir {
  constructor(readonly dir: string | undefined) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  get persistent(): boolean {
    return this.dir !== undefined;
  }

  /** The path of a state file, when there is a folder. */
  path(name: string): string | undefined {
    return this.dir ? join(this.dir, name) : undefined;
  }

  read<T>(name: string): T | undefined {
    const file = this.path(name);
    return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
  }

  /** Written whole or not at all (a crash mid-write leaves the previous file). */
  write(name: string, value: unknown): void {
    const file = this.path(name);
    if (!file) return;
    writeFileSync(`${file}.tmp`, JSON.stringify(value), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  remove(name: string): void {
    const file = this.path(name);
    if (file) rmSync(file, { force: true });
  }

  /** A 32-byte key kept across restarts (the token master key, the session signing key); random in memory. */
  key(which: keyof typeof KEY_FILES): Buffer {
    const file = this.path(KEY_FILES[which]);
    if (!file) return randomBytes(32);
    if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    const key = randomBytes(32);
    writeFileSync(file, key.toString('base64'), { mode: 0o600 });
    return key;
  }
}
