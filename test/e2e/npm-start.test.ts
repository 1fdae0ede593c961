import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/local-api.js';
import { npmStart, type Started } from '../helpers/npm-start.js';

/**
 * `npm start` as a person runs it (local/main.ts in its own process): it prints what it serves and
 * nothing else while it works, Ctrl-C (SIGINT) stops it cleanly, and with `-- --data DIR` a second
 * start finds the workspace and its connections working.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'flamel-start-'));
const running: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const p of running) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Started and tracked, so afterAll can stop what a failed test left running. */
async function start(args: string[]): Promise<Started> {
  // As in a person's shell: no log level set.
  const started = await npmStart(args, { POWERTOOLS_LOG_LEVEL: undefined });
  running.push(started.proc);
  return started;
}

async function ctrlC(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.proc.once('exit', (code) => resolve(code)));
  s.proc.kill('SIGINT');
  const code = await exited;
  running.splice(running.indexOf(s.proc), 1);
  return code;
}

describe('npm start', { timeout: 90_000 }, () => {
  it('prints what it serves and no log lines, stops on Ctrl-C, and keeps the data folder for the next start', async () => {
    const first = await start(['--data', dir]);
    const owner = await new ApiClient(first.url).login('ana', 'ana@example.com');
    const ws = await owner.createWorkspace('Acme');
    await owner.sandboxAccount('linkedin', 'acme-co', 'Acme Co');
    expect((await owner.connect(ws, 'linkedin', 'acme-co')).searchParams.get('result')).toBe('connected');
    expect(await ctrlC(first)).toBe(0);
    const printed = first.output();
    expect(printed).toContain('Stopped.');
    // Only what it serves: no JSON log lines of the handlers' routine work, no SDK notices.
    expect(printed).not.toContain('"level":"INFO"');
    expect(printed).not.toContain('NodeVersionSupportWarning');

    const second = await start(['--data', dir]);
    const again = await new ApiClient(second.url).login('ana', 'ana@example.com');
    expect((await again.connections(ws)).map((c) => c.status)).toEqual(['active']);
    await again.call('POST', '/local/clock', { advanceDays: 1 });
    expect((await again.call('POST', '/local/scan')).body).toMatchObject({ checked: 1, expired: 0 });
    expect(await ctrlC(second)).toBe(0);
  });

  it('says so in one line when the port is taken or not a port (or the visibility timeout not whole seconds), and exits', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const run = (PORT: string, more: NodeJS.ProcessEnv = {}) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const env: NodeJS.ProcessEnv = { ...process.env, PORT, ...more };
        const proc = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], { cwd: ROOT, env });
        let out = '';
        proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
        proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
        proc.once('exit', (code) => resolve({ code, out }));
      });
    try {
      const busy = await run(String(port));
      expect(busy.code).toBe(1);
      expect(busy.out).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(busy.out).not.toContain('    at ');
      const bad = await run('abc');
      expect(bad.code).toBe(2);
      expect(bad.out).toContain('PORT must be a port number');
      const slow = await run('0', { VISIBILITY_TIMEOUT_SECONDS: '2.5' });
      expect(slow.code).toBe(2);
      expect(slow.out).toContain('VISIBILITY_TIMEOUT_SECONDS must be whole seconds');
    } finally {
      taken.close();
    }
  });
});
