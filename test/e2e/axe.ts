import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * axe-core on the page as it is now. The dashboard's CSP allows its own scripts only, so axe is not
 * added as a <script> tag (that would be refused, and the page must break no CSP rule): its source is
 * evaluated through the DevTools protocol, which CSP does not govern, and the page's policy stays on.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING: readonly ImpactValue[] = ['serious', 'critical'];

type AxeWindow = Window & { axe?: { run: (context: Document, options: { resultTypes: string[] }) => Promise<AxeResults> } };

/** One line per serious or critical violation: rule, impact, what it asks, and where (selectors). */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  const violations = await page.evaluate(async () => {
    const axe = (window as AxeWindow).axe;
    if (!axe) throw new Error('axe-core did not load');
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
    }));
  });
  return violations
    .filter((v) => v.impact !== null && BLOCKING.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    at ${n.target}: ${n.summary}`).join('\n')}`);
}

/** Fails (softly, so one walk reports every state at once) when axe finds a serious or critical violation. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const found = await seriousViolations(page);
  expect.soft(found, `axe-core: serious or critical violations in "${state}":\n${found.join('\n')}`).toEqual([]);
}
