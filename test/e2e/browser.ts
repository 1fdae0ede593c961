import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';

/**
 * What the dashboard's browser tests share: Debian's Chromium, a page that may talk to its own origin
 * only and must throw nothing, and the few steps every journey takes (sign in, a platform's consent
 * screen). Screenshots go to docs/screenshots/ only with UPDATE_SCREENSHOTS=1 (CI writes no files).
 */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[e2e] Skipping the dashboard browser tests: ${CHROMIUM} is missing (install it with: apt-get install -y chromium).`);

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A browser profile of its own (one person), whose pages may reach `rt` only; `problems` collects the rest. */
export async function personIn(browser: Browser, rt: LocalRuntime, problems: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(rt.url)) return route.continue();
    problems.push(`left its origin: ${u}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

/** The sign-in form (first time: fills it; later it remembers who signed in, and one click is enough). */
export async function signIn(page: Page, user: { userId: string; email: string }): Promise<void> {
  await page.waitForSelector('#sign-in:not([hidden]), body[data-loaded="true"], #app[data-lists="loaded"]');
  if (await page.isVisible('#sign-in')) {
    if ((await page.inputValue('#sign-in-user')) !== user.userId) {
      await page.fill('#sign-in-user', user.userId);
      await page.fill('#sign-in-email', user.email);
    }
    await page.click('#sign-in-form button[type=submit]');
  }
  await page.waitForSelector('#app[data-lists="loaded"]');
}

/** On the sandbox platform's consent screen: Allow as an account (or Deny), then back on the dashboard. */
export async function consent(page: Page, platform: string, choice: { allowAs: string } | 'deny'): Promise<void> {
  await page.waitForURL(new RegExp(`/sandbox/${platform}/`));
  if (choice === 'deny') await page.click('button.deny');
  else await page.click(`button[data-account="${choice.allowAs}"]`);
  await page.waitForURL(/\/app\/\?/);
  await page.waitForSelector('body[data-loaded="true"]');
}

export async function call<T = Record<string, unknown>>(rt: LocalRuntime, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${rt.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** The local clock's now (it is moved by the tests: the browser's own clock is not the system's). */
export async function serverNow(rt: LocalRuntime): Promise<number> {
  return Date.parse(((await call<{ now: string }>(rt, 'GET', '/local/clock')).body).now);
}

/** The platform drops the access and, a week later, the daily scan notices; due posts then fail. */
export async function dropAccess(rt: LocalRuntime, platform: string, account: string, reason = 'password_changed'): Promise<void> {
  expect((await call(rt, 'POST', `/sandbox/${platform}/accounts/${account}/revoke`, { reason })).status).toBe(200);
  expect((await call(rt, 'POST', '/local/clock', { advanceDays: 8 })).status).toBe(200);
  expect((await call<{ expired: number }>(rt, 'POST', '/local/scan', {})).body.expired).toBeGreaterThanOrEqual(1);
  expect((await call(rt, 'POST', '/local/publish-due', {})).status).toBe(200);
}
