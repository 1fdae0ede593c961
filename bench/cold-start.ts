/**
 * Cold import of each Lambda function against a minimal handler that imports one SDK client, both
 * bundled exactly as the stack bundles them (infra/bundle.ts). Each run is a whole
 * `node -e "import('<bundle>')"` process (what a cold start pays before the first line of the
 * handler); the figures are medians of several runs taken round-robin, so a busy machine slows every
 * bundle alike. `ms` is wall time, `cpuMs` the process's CPU time; `ratio` (the goal: <= 1.5) divides
 * CPU times, which hold still when other work shares the cores, `wallRatio` the wall times.
 *
 * `npx tsx bench/cold-start.ts` runs it alone; `npm run bench` includes it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE, REPO_ROOT, bundleAll, esbuildOptions } from '../infra/bundle.js';

/** The yardstick: a handler importing one SDK client and building it on first use, as our functions do. */
const MINIMAL_HANDLER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
let client;
export const handler = async () => { client ??= new DynamoDBClient({}); return client.config.serviceId; };
`;

const MINIMAL = 'minimal';

/**
 * One cold process: its wall time as seen from here, and the CPU time (user + system, all threads)
 * it used, which it prints as it ends. The CPU time barely moves when other work shares the cores.
 */
function importOnce(file: string): Promise<{ wall: number; cpu: number }> {
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then(() => { const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000)); })`;
  const started = process.hrtime.bigint();
  return new Promise((done, fail) => {
    execFile(process.execPath, ['-e', script], { env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${file}: ${stderr || error.message}`));
      else done({ wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: Number(stdout) });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

export async function benchColdStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 15)): Promise<Record<string, number>> {
  const out = mkdtempSync(join(tmpdir(), 'flamel-cold-'));
  try {
    // The SDK is external (the Lambda runtime provides it): the bundles find it here, as in /var/runtime.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    const sizes: Record<string, number> = await bundleAll(out);
    const minimalSource = join(out, 'minimal-source.mjs');
    writeFileSync(minimalSource, MINIMAL_HANDLER);
    const minimalFile = join(out, MINIMAL, BUNDLE.outFile);
    await build(esbuildOptions(minimalSource, minimalFile));
    sizes[MINIMAL] = (await stat(minimalFile)).size;

    const names = Object.keys(sizes);
    const wall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    await importOnce(minimalFile); // warm the file cache before anything is timed
    for (let run = 0; run < runs; run++) {
      // Rotate the order each run: no bundle always goes first (or right after the heaviest).
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + run) % names.length]!;
        const t = await importOnce(join(out, name, BUNDLE.outFile));
        wall[name]!.push(t.wall);
        cpu[name]!.push(t.cpu);
      }
    }
    const baseWall = median(wall[MINIMAL]!);
    const baseCpu = median(cpu[MINIMAL]!);
    const results: Record<string, number> = {};
    for (const name of names) {
      results[`coldImport.${name}.ms`] = round(median(wall[name]!), 1);
      results[`coldImport.${name}.cpuMs`] = round(median(cpu[name]!), 1);
      if (name !== MINIMAL) {
        // The goal's ratio is on CPU time: on a shared machine wall time mostly measures the neighbours.
        results[`coldImport.${name}.ratio`] = round(median(cpu[name]!) / baseCpu, 2);
        results[`coldImport.${name}.wallRatio`] = round(median(wall[name]!) / baseWall, 2);
      }
      results[`coldImport.${name}.kb`] = round(sizes[name]! / 1024, 1);
    }
    results['coldImport.maxRatio'] = Math.max(...names.filter((n) => n !== MINIMAL).map((n) => results[`coldImport.${n}.ratio`]!));
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const [name, value] of Object.entries(await benchColdStart())) console.log(`${name}: ${value}`);
}
