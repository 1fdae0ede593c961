import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { startTestRuntime } from '../../helpers/local-api.js';

/**
 * The dashboard under its Content-Security-Policy in a real browser: signing in, creating a
 * workspace, connecting an account through the sandbox's consent page, removing it and an error
 * notice all run with no CSP violation (so the strict policy breaks nothing), while an inline
 * script or style injected into the page is refused (so the policy is really in force).
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ACCOUNT = { externalAccountId: 'csp-page', name: 'CSP Page', isAdmin: true };

let rt: LocalRuntime;
let browser: Browser;
let page: Page;
const violations: string[] = [];
const pageErrors: string[] = [];

describe.skipIf(!hasChromium)('dashboard under its CSP (browser)', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    rt = await startTestRuntime();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const context = await browser.newContext();
    // Every document reports its violations here (the binding outlives navigations).
    await context.exposeBinding('reportCspViolation', (_source, v: string) => void violations.push(v));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI} ${location.pathname}`);
      });
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => void d.accept());
    const res = await fetch(`${rt.url}/sandbox/facebook/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ACCOUNT) });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('runs the whole page (sign-in, workspace, connect, remove, error notice) with no CSP violation', async () => {
    const res = await page.goto(`${rt.url}/app/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('#sign-in-user', 'owner-csp');
    await page.fill('#sign-in-email', 'owner@csp.example');
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');

    await page.fill('#ws-create-name', 'CSP Co');
    await page.click('#ws-create-form button[type=submit]');
    await page.waitForSelector('#accounts-empty:not([hidden])');

    await page.selectOption('#connect-platform', 'facebook');
    await page.click('#connect-button');
    await page.waitForURL(/\/sandbox\/facebook\//);
    await page.click(`button[data-account="${ACCOUNT.externalAccountId}"]`);
    await page.waitForURL(/\/app\/\?/);
    await page.waitForSelector('article.card[data-platform="facebook"][data-badge="green"]');

    // Remove it (behind More, confirmed in place), then an API refusal rendered as a notice (adding
    // the workspace to a hub that does not exist), and a workspace the page may not show.
    await page.click('article.card[data-platform="facebook"] .menu summary');
    await page.click('article.card[data-platform="facebook"] button.remove');
    await page.click('article.card[data-platform="facebook"] .confirm-yes');
    await page.waitForSelector('#accounts-empty:not([hidden])');
    await page.click('#ws-more summary');
    await page.fill('#hub-join-id', 'no-such-hub');
    await page.click('#hub-join-form button[type=submit]');
    await page.waitForSelector('#notice:not([hidden]) .support-box');
    await page.goto(`${rt.url}/app/?workspace=someone-elses-workspace`);
    await page.waitForSelector('#ws-blocked:not([hidden])');
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('refuses an inline script and an inline style put into the page (the policy is in force)', async () => {
    await page.goto(`${rt.url}/app/`);
    await page.waitForSelector('body');
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injectedRan?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.injectedRan = true;';
      document.body.appendChild(script);
      const style = document.createElement('style');
      style.textContent = 'body { background: red; }';
      document.head.appendChild(style);
      await new Promise((r) => setTimeout(r, 200));
      return w.injectedRan === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.some((v) => v.startsWith('script-src'))).toBe(true);
    await expect.poll(() => violations.some((v) => v.startsWith('style-src'))).toBe(true);
  });
});
