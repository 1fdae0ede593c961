import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, bundleFunction, type BundleImports } from '../../infra/bundle.js';
import { nodejsBundling } from '../../infra/constructs/functions.js';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../../shared/config/functions.js';

const names = Object.keys(FUNCTIONS) as FunctionName[];
let out: string;
let sizes: Record<FunctionName, number>;
let imports: Record<FunctionName, BundleImports>;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'flamel-bundles-'));
  const built = await Promise.all(names.map(async (name) => [name, await bundleFunction(name, join(out, name, BUNDLE.outFile))] as const));
  sizes = Object.fromEntries(built.map(([name, b]) => [name, b.bytes])) as Record<FunctionName, number>;
  imports = Object.fromEntries(built.map(([name, b]) => [name, b.imports])) as Record<FunctionName, BundleImports>;
}, 120_000);

/** The SDK packages a function may load, from what its spec grants (its IAM role in AWS). */
function sdkAllowedBy(spec: FunctionSpec): string[] {
  return [
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/lib-dynamodb',
    '@aws-sdk/util-dynamodb',
    ...(spec.putsEvents ? ['@aws-sdk/client-eventbridge'] : []),
    ...(spec.sendsTo.length > 0 ? ['@aws-sdk/client-sqs'] : []),
    ...(spec.sendsEmail ? ['@aws-sdk/client-sesv2'] : []),
    ...(spec.tokenKey.length > 0 ? ['@aws-sdk/client-kms'] : []),
    ...(spec.usesPlatformSecrets ? ['@aws-sdk/client-secrets-manager'] : []),
  ];
}
/** Only publish wraps its work in Powertools idempotency (functions/queues/publish.ts). */
const USES_IDEMPOTENCY: readonly FunctionName[] = ['publish'];
const SENDERS = ['@aws-sdk/client-eventbridge', '@aws-sdk/client-sqs', '@aws-sdk/client-sesv2'];
/** Publish reads the platforms' app credentials only when a call needs them (functions/lib/aws/platforms-on-first-need.ts). */
const PLATFORM_SECRETS_ON_FIRST_NEED: readonly FunctionName[] = ['publish'];
const SECRETS = '@aws-sdk/client-secrets-manager';
/** The daily scan and the retry fan-out send to a queue on nearly every run: SQS loads at cold start (functions/lib/aws/sqs.ts). */
const SENDS_EVERY_RUN: readonly FunctionName[] = ['expiryScan', 'scanSegment', 'postRetries'];
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bundling', () => {
  it('gives the stack the same options as bundleAll', () => {
    expect(nodejsBundling()).toMatchObject({
      target: BUNDLE.target,
      format: BUNDLE.format,
      minify: BUNDLE.minify,
      sourceMap: BUNDLE.sourcemap,
      sourcesContent: BUNDLE.sourcesContent,
      mainFields: BUNDLE.mainFields,
      externalModules: BUNDLE.external,
      bundleAwsSDK: false,
      banner: BUNDLE.banner,
      forceDockerBundling: false,
    });
  });

  it('bundles every function into a minified ES module with a source map, leaving the AWS SDK to the runtime', () => {
    expect(Object.keys(sizes).sort()).toEqual([...names].sort());
    for (const name of names) {
      const file = join(out, name, BUNDLE.outFile);
      const code = readFileSync(file, 'utf8');
      expect(statSync(file).size).toBe(sizes[name]);
      expect(code.startsWith(BUNDLE.banner), name).toBe(true);
      expect(code, name).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
      expect(code, name).not.toContain('@aws-sdk/core'); // not bundled: would come in with any bundled client
      expect(code.trimEnd().endsWith(`//# sourceMappingURL=${BUNDLE.outFile}.map`), name).toBe(true);
      expect(statSync(`${file}.map`).size).toBeGreaterThan(0);
      // The goal from issue 6: every bundle at most 300 KB minified (zod/mini named imports, SDK external).
      expect(sizes[name], name).toBeLessThan(300 * 1024);
    }
  });
});

describe('cold start: each bundle loads only what its spec grants', () => {
  it.each(names)('%s imports exactly the SDK clients its spec grants', (name) => {
    const { atImport, onFirstUse } = imports[name];
    const loaded = [...new Set([...atImport, ...onFirstUse])].filter((p) => p.startsWith('@aws-sdk/')).sort();
    const allowed = sdkAllowedBy(FUNCTIONS[name]);
    expect(loaded.filter((p) => !allowed.includes(p)), 'clients its spec does not grant').toEqual([]);
    // Every grant is wired: a granted client missing from the bundle would be a port that refuses in AWS.
    expect(allowed.filter((p) => p.startsWith('@aws-sdk/client-') && !loaded.includes(p)), 'granted clients not wired').toEqual([]);
  });

  it.each(names)('%s loads its senders (events, queues, email) on first use, unless it sends on nearly every run', (name) => {
    const atColdStart = SENDS_EVERY_RUN.includes(name) ? ['@aws-sdk/client-sqs'] : [];
    expect(imports[name].atImport.filter((p) => SENDERS.includes(p))).toEqual(atColdStart);
  });

  it.each(names)('%s bundles the platform adapters and Powertools idempotency only if it uses them', (name) => {
    const { inputs } = imports[name];
    expect(inputs.some((i) => i.includes('shared/adapters/platforms/')), 'platform adapters').toBe(FUNCTIONS[name].usesPlatformSecrets);
    expect(inputs.some((i) => i.includes('@aws-lambda-powertools/idempotency/')), 'idempotency').toBe(USES_IDEMPOTENCY.includes(name));
    // The secret is read by functions/lib/aws/platform-credentials.ts: Powertools parameters would load Secrets Manager at import.
    expect(inputs.some((i) => i.includes('@aws-lambda-powertools/parameters/')), 'parameters').toBe(false);
  });

  it.each(names)('%s loads Secrets Manager at cold start only if nearly every call needs the app credentials', (name) => {
    const { atImport, onFirstUse } = imports[name];
    const uses = FUNCTIONS[name].usesPlatformSecrets;
    const onFirstNeed = PLATFORM_SECRETS_ON_FIRST_NEED.includes(name);
    expect(atImport.includes(SECRETS), 'at import').toBe(uses && !onFirstNeed);
    expect(onFirstUse.includes(SECRETS), 'on first need').toBe(uses && onFirstNeed);
  });
});
