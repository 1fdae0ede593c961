/**
 * How every Lambda function is bundled. ONE options object (`BUNDLE`) feeds both the stack's
 * NodejsFunction bundling (infra/constructs/functions.ts maps it to CDK's BundlingOptions, which runs
 * the esbuild CLI) and `bundleAll` below (esbuild's JS API), so the benchmark measures exactly the code
 * that is deployed.
 *
 * Deliberately free of aws-cdk-lib imports: the benchmark loads this file without the CDK.
 *
 * Decisions:
 * - ESM (`format: 'esm'`, `.mjs`) so top-level await and static imports work; CommonJS dependencies
 *   bundled into an ES module still call `require` for Node built-ins, hence the `createRequire` banner.
 * - `@aws-sdk/*` is external: the Lambda Node.js 22 runtime ships AWS SDK for JavaScript v3, so
 *   bundling the clients would add up to ~480 KB minified to a function (measured when every function
 *   imported all six: ~1,050 KB instead of ~570 KB). Each entry imports only the clients its spec
 *   grants (functions/lib/aws/deps.ts), senders on first use (dynamic imports stay external and lazy
 *   in the single-file ES module); test/infra/bundle-imports.test.ts checks it. The price is that the
 *   SDK version is the runtime's rather than the one pinned in package.json; the handlers only call
 *   long-stable operations (DynamoDB Get/Put/Update/Delete/Query, SQS SendMessageBatch, EventBridge
 *   PutEvents, KMS GenerateDataKey/Decrypt, SESv2 SendEmail, Secrets Manager GetSecretValue).
 *   Flip `bundleAwsSdk` to pin the SDK instead; both the stack and the benchmark follow.
 * - Powertools, middy, jose and zod are bundled (they are not in the runtime).
 * - Minified, with external source maps (no `sourcesContent`, so the .map stays small); functions run
 *   with NODE_OPTIONS=--enable-source-maps so stack traces point at the TypeScript.
 */
import { build, type BuildOptions } from 'esbuild';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FUNCTIONS, type FunctionName } from '../shared/config/functions.js';

/** The Node.js major version of the Lambda runtime; the stack checks its runtime against it. */
export const NODE_MAJOR = 22;

/** Repository root: FUNCTIONS entries are relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The one options object shared by the stack and `bundleAll`. */
export const BUNDLE = {
  platform: 'node',
  target: `node${NODE_MAJOR}`,
  format: 'esm',
  /** ESM output file name (also what the Lambda handler string refers to: `index.handler`). */
  outFile: 'index.mjs',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  bundleAwsSdk: false,
  external: ['@aws-sdk/*'],
  banner: "import { createRequire as __flamelCreateRequire } from 'node:module'; const require = __flamelCreateRequire(import.meta.url);",
  logLevel: 'warning',
} as const;

/** Absolute path of a function's entry file. */
export function entryPath(name: FunctionName): string {
  return join(REPO_ROOT, FUNCTIONS[name].entry);
}

/** `BUNDLE` as esbuild JS API options (the CDK passes the same values as CLI flags). */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: BUNDLE.platform,
    target: BUNDLE.target,
    format: BUNDLE.format,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    external: BUNDLE.bundleAwsSdk ? [] : [...BUNDLE.external],
    banner: { js: BUNDLE.banner },
    logLevel: BUNDLE.logLevel,
  };
}

/** What a bundle loads from outside itself: packages at import (`atImport`) and on first use (`onFirstUse`, dynamic imports). */
export interface BundleImports {
  atImport: string[];
  onFirstUse: string[];
  /** The source files and packages bundled in (esbuild metafile input paths). */
  inputs: string[];
}

/** Bundles one FUNCTIONS entry into `outfile` exactly as the stack does; its size in bytes (source map not counted) and its imports. */
export async function bundleFunction(name: FunctionName, outfile: string): Promise<{ bytes: number; imports: BundleImports }> {
  await mkdir(dirname(outfile), { recursive: true });
  // The metafile only describes the build; the output is the same.
  const { metafile } = await build({ ...esbuildOptions(entryPath(name), outfile), metafile: true });
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(BUNDLE.outFile))![1];
  const external = (kind: 'import-statement' | 'dynamic-import') =>
    [...new Set(output.imports.filter((i) => i.external && i.kind === kind && !i.path.startsWith('node:')).map((i) => i.path))].sort();
  return { bytes: (await stat(outfile)).size, imports: { atImport: external('import-statement'), onFirstUse: external('dynamic-import'), inputs: Object.keys(output.inputs) } };
}

/**
 * Bundles every FUNCTIONS entry into `outDir/<name>/index.mjs` (plus its .map) exactly as the stack
 * does, and returns each bundle's size in bytes (the minified .mjs, source map not counted).
 */
export async function bundleAll(outDir: string): Promise<Record<FunctionName, number>> {
  const names = Object.keys(FUNCTIONS) as FunctionName[];
  const sizes = await Promise.all(names.map(async (name) => [name, (await bundleFunction(name, join(outDir, name, BUNDLE.outFile))).bytes] as const));
  return Object.fromEntries(sizes) as Record<FunctionName, number>;
}

// `npx tsx infra/bundle.ts [outDir]`: prints each function's minified size.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, 'cdk.out', 'bundles'));
  const sizes = await bundleAll(outDir);
  for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(14)} ${(bytes / 1024).toFixed(1).padStart(8)} KB`);
}
