import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Started {
  proc: ChildProcessWithoutNullStreams;
  /** The local runtime's base URL, read from what it prints. */
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

/**
 * `npm start` as a person runs it: local/main.ts in its own process on a free port, resolved once it
 * prints its dashboard address (rejected with its output if it exits first). `env` replaces the
 * inherited environment where given (undefined removes a variable).
 */
export async function npmStart(args: string[], env: Record<string, string | undefined> = {}): Promise<Started> {
  const merged: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', ...args], { cwd: ROOT, env: merged });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)\/app\//.exec(out);
      if (m?.[1]) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    proc.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}: ${out}`));
    });
  });
  return { proc, url, output: () => out };
}
