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
 * - `@aws-sdk/*` is external: the Lambda Node.js 22 runtime ships AWS SDK for JavaScript v3, and
 *   `functions/lib/runtime.ts` imports six clients into every function, so bundling them would add
 *   ~480 KB minified to each function (measured: ~1,050 KB instead of ~570 KB). The price is that the
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

/**
 * Bundles every FUNCTIONS entry into `outDir/<name>/index.mjs` (plus its .map) exactly as the stack
 * does, and returns each bundle's size in bytes (the minified .mjs, source map not counted).
 */
export async function bundleAll(outDir: string): Promise<Record<FunctionName, number>> {
  const names = Object.keys(FUNCTIONS) as FunctionName[];
  const sizes = await Promise.all(
    names.map(async (name) => {
      const outfile = join(outDir, name, BUNDLE.outFile);
      await mkdir(dirname(outfile), { recursive: true });
      await build(esbuildOptions(entryPath(name), outfile));
      return [name, (await stat(outfile)).size] as const;
    }),
  );
  return Object.fromEntries(sizes) as Record<FunctionName, number>;
}

// `npx tsx infra/bundle.ts [outDir]`: prints each function's minified size.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, 'cdk.out', 'bundles'));
  const sizes = await bundleAll(outDir);
  for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(14)} ${(bytes / 1024).toFixed(1).padStart(8)} KB`);
}
