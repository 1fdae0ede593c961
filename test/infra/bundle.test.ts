import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, bundleAll } from '../../infra/bundle.js';
import { nodejsBundling } from '../../infra/constructs/functions.js';
import { FUNCTIONS, type FunctionName } from '../../shared/config/functions.js';

const names = Object.keys(FUNCTIONS) as FunctionName[];
let out: string;
let sizes: Record<FunctionName, number>;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'flamel-bundles-'));
  sizes = await bundleAll(out);
}, 120_000);
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
