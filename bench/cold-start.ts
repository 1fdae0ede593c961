/**
 * Cold import of each Lambda function against a minimal handler that imports one SDK client, both
 * bundled exactly as the stack bundles them (infra/bundle.ts). Each run is a whole
 * `node -e "import('<bundle>')"` process (what a cold start pays before the first line of the
 * handler); the figures are medians of several runs taken round-robin, so a busy machine slows every
 * bundle alike. `ms` is wall time, `cpuMs` the process's CPU time; `ratio` (the goal: <= 1.5) divides
 * CPU times, which hold still when other work shares the cores, `wallRatio` the wall times.
 * `<fn>.withFirstUse` imports the bundle and then the SDK clients it loads only on first use (its
 * senders): the import figure does not count them, this one does.
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
import { BUNDLE, REPO_ROOT, bundleFunction, esbuildOptions } from '../infra/bundle.js';
import { FUNCTIONS, type FunctionName } from '../shared/config/functions.js';

/** The yardstick: a handler importing one SDK client and building it on first use, as our functions do. */
const MINIMAL_HANDLER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
let client;
export const handler = async () => { client ??= new DynamoDBClient({}); return client.config.serviceId; };
`;

const MINIMAL = 'minimal';

/**
 * One cold process: its wall time as seen from here, and the CPU time (user + system, all threads)
 * it used, which it prints as it ends. The CPU time barely moves when other work shares the cores.
 * `thenLoad`: packages the bundle loads on first use, imported right after it (the cost moved, not saved).
 */
function importOnce(dir: string, file: string, thenLoad: string[]): Promise<{ wall: number; cpu: number }> {
  const script =
    `import(${JSON.stringify(pathToFileURL(file).href)})` +
    `.then(() => Promise.all(${JSON.stringify(thenLoad)}.map((p) => import(p))))` +
    '.then(() => { const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000)); })';
  const started = process.hrtime.bigint();
  return new Promise((done, fail) => {
    execFile(process.execPath, ['-e', script], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) => {
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

interface Subject {
  label: string;
  file: string;
  thenLoad: string[];
  bytes?: number;
}

export async function benchColdStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 9)): Promise<Record<string, number>> {
  const out = mkdtempSync(join(tmpdir(), 'flamel-cold-'));
  try {
    // The SDK is external (the Lambda runtime provides it): the bundles find it here, as in /var/runtime.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    const subjects: Subject[] = [];
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const file = join(out, name, BUNDLE.outFile);
      const { bytes, imports } = await bundleFunction(name, file);
      subjects.push({ label: name, file, thenLoad: [], bytes });
      // The same bundle, then every client it would load later: what a cold start costs once it has sent everything.
      if (imports.onFirstUse.length > 0) subjects.push({ label: `${name}.withFirstUse`, file, thenLoad: imports.onFirstUse });
    }
    const minimalSource = join(out, 'minimal-source.mjs');
    writeFileSync(minimalSource, MINIMAL_HANDLER);
    const minimalFile = join(out, MINIMAL, BUNDLE.outFile);
    await build(esbuildOptions(minimalSource, minimalFile));
    subjects.push({ label: MINIMAL, file: minimalFile, thenLoad: [], bytes: (await stat(minimalFile)).size });

    const wall: Record<string, number[]> = Object.fromEntries(subjects.map((s) => [s.label, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(subjects.map((s) => [s.label, []]));
    await importOnce(out, minimalFile, []); // warm the file cache before anything is timed
    for (let run = 0; run < runs; run++) {
      // Rotate the order each run: no bundle always goes first (or right after the heaviest).
      for (let i = 0; i < subjects.length; i++) {
        const subject = subjects[(i + run) % subjects.length]!;
        const t = await importOnce(out, subject.file, subject.thenLoad);
        wall[subject.label]!.push(t.wall);
        cpu[subject.label]!.push(t.cpu);
      }
    }
    const baseWall = median(wall[MINIMAL]!);
    const baseCpu = median(cpu[MINIMAL]!);
    const results: Record<string, number> = {};
    for (const { label, bytes } of subjects) {
      results[`coldImport.${label}.ms`] = round(median(wall[label]!), 1);
      results[`coldImport.${label}.cpuMs`] = round(median(cpu[label]!), 1);
      if (label !== MINIMAL) {
        // The goal's ratio is on CPU time: on a shared machine wall time mostly measures the neighbours.
        results[`coldImport.${label}.ratio`] = round(median(cpu[label]!) / baseCpu, 2);
        results[`coldImport.${label}.wallRatio`] = round(median(wall[label]!) / baseWall, 2);
      }
      if (bytes !== undefined) results[`coldImport.${label}.kb`] = round(bytes / 1024, 1);
    }
    const importRatios = subjects.filter((s) => s.label !== MINIMAL && !s.label.endsWith('.withFirstUse')).map((s) => results[`coldImport.${s.label}.ratio`]!);
    results['coldImport.maxRatio'] = Math.max(...importRatios);
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const [name, value] of Object.entries(await benchColdStart())) console.log(`${name}: ${value}`);
}
