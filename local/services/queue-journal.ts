import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

/** A message a local queue holds: its queue's name, its id and its body. */
export interface JournaledMessage {
  queue: string;
  id: string;
  body: string;
}

type Line = { p: string; i: string; b: string } | { d: string };

/** Rewritten to the messages still held once it has this many more lines than messages (and at every open). */
const COMPACT_AFTER_LINES = 5000;

/**
 * The messages the local queues hold, kept in a file as they change (`npm start -- --data DIR`): a
 * line per message accepted (or moved to a DLQ) and per message deleted, each written with a
 * synchronous write(2) inside the SQS call that changed it, before fauxqs answers it. A `kill -9`
 * of the process therefore loses nothing a queue acknowledged (the kernel holds what was written);
 * a crash of the machine itself may (no fsync: a local runtime does not pay for one per message).
 */
export class QueueJournal {
  private fd: number;
  private readonly held = new Map<string, { queue: string; body: string }>();
  private lines = 0;

  /** Opens (or creates) the journal; `held()` then lists what the previous run left on its queues. */
  constructor(private readonly file: string) {
    if (existsSync(file)) {
      for (const raw of readFileSync(file, 'utf8').split('\n')) {
        const line = parse(raw);
        if (!line) continue;
        if ('d' in line) this.held.delete(line.d);
        else this.held.set(line.i, { queue: line.p, body: line.b });
      }
    }
    this.fd = this.rewrite();
  }

  /** What the queues held when the previous process ended, however it ended (in the order accepted). */
  messages(): JournaledMessage[] {
    return [...this.held].map(([id, m]) => ({ id, ...m }));
  }

  /** A queue accepted the message (or the redrive moved it to a DLQ: the same id on another queue). */
  accepted(queue: string, id: string, body: string): void {
    if (this.held.get(id)?.queue === queue) return; // put back on its queue at a start: already written
    this.held.set(id, { queue, body });
    this.append({ p: queue, i: id, b: body });
  }

  /** The message was deleted (handled). */
  deleted(id: string): void {
    if (!this.held.delete(id)) return;
    this.append({ d: id });
    if (this.lines > COMPACT_AFTER_LINES + this.held.size) {
      closeSync(this.fd);
      this.fd = this.rewrite();
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private append(line: Line): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.lines += 1;
  }

  /** Writes the held messages to a new file that replaces the journal whole (rename), and opens it for appending. */
  private rewrite(): number {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    for (const [id, m] of this.held) writeSync(fd, `${JSON.stringify({ p: m.queue, i: id, b: m.body } satisfies Line)}\n`);
    closeSync(fd);
    renameSync(tmp, this.file);
    this.lines = this.held.size;
    return openSync(this.file, 'a', 0o600);
  }
}

/** One line, or undefined for an unreadable one (only a machine crash mid-write leaves a partial last line). */
function parse(raw: string): Line | undefined {
  if (!raw.trim()) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v.d === 'string') return { d: v.d };
    if (typeof v.p === 'string' && typeof v.i === 'string' && typeof v.b === 'string') return { p: v.p, i: v.i, b: v.b };
  } catch {
    /* partial line */
  }
  return undefined;
}
