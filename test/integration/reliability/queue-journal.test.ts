import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalQueues, type LocalQueues } from '../../../local/services/queues.js';
import type { QueueKey } from '../../../shared/config/messaging.js';

/**
 * `npm start -- --data DIR` keeps the queues' messages in a journal written inside each SQS call: a
 * process killed with SIGKILL right after its sends were answered (no stop, no snapshot) still hands
 * every acknowledged, undeleted message to the next start, and none it had deleted.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'flamel-journal-'));
let queues: LocalQueues | undefined;

afterAll(async () => {
  await queues?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Acked {
  handled: string[];
  inFlight: string[];
  alertsDlq: number;
}

/** Runs queue-writer.ts and kills it (-9) the moment it reports its sends answered. */
function writeThenKill(journalFile: string): Promise<Acked> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'queue-writer.ts'), journalFile], { cwd: ROOT });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ACKED (.*)\n/.exec(out);
      if (m?.[1]) {
        proc.kill('SIGKILL');
        proc.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(JSON.parse(m[1]!) as Acked) : reject(new Error(`exited with ${signal}`))));
      }
    });
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`queue writer exited (${code}) before acknowledging: ${out}`));
    });
  });
}

async function receiveAll(q: LocalQueues, key: QueueKey): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await q.sqsClient().send(new ReceiveMessageCommand({ QueueUrl: q.queueUrl(key), MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!out.Messages?.length) return bodies;
    bodies.push(...out.Messages.map((m) => m.Body ?? ''));
  }
}

describe('local queues with a journal', { timeout: 60_000 }, () => {
  it('give the next start every message acknowledged before a kill -9, in flight or ready, none deleted, DLQ moves kept', async () => {
    const journalFile = join(dir, 'queues.journal');
    const acked = await writeThenKill(journalFile);
    expect(acked.handled).toHaveLength(3);
    expect(acked.inFlight).toHaveLength(2);
    expect(acked.alertsDlq).toBe(1);

    queues = await startLocalQueues({ journalFile });
    expect(queues.restoredFromJournal).toBe(25 - 3 + 1 + 1);
    const publish = await receiveAll(queues, 'publish');
    const expected = Array.from({ length: 25 }, (_, n) => JSON.stringify({ n })).filter((b) => !acked.handled.includes(b));
    expect(publish.sort()).toEqual(expected.sort());
    for (const b of acked.inFlight) expect(publish).toContain(b);
    expect(await receiveAll(queues, 'postRetries')).toEqual([JSON.stringify({ restored: 'c1' })]);
    expect(await receiveAll(queues, 'alerts')).toEqual([]);
    expect((await queues.dlqDepth('alerts')).visible).toBe(1);
  });
});
