import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { startTestRuntime } from '../helpers/local-api.js';
import { call, dropAccess, hasChromium, launch, personIn } from './browser.js';

/**
 * Keyboard only (issue 13, point 4): connect, reconnect and remove with Tab, Enter and nothing else,
 * including the platform's consent screen; focus lands on the outcome each time. And the tap
 * targets a finger uses are at least 44 px each way in each main state.
 */
const ACCOUNT = { externalAccountId: 'kb-page', name: 'Keyboard Page', isAdmin: true };
const USER = { userId: 'kb-owner', email: 'owner@kb.example' };

let rt: LocalRuntime;
let browser: Browser;
let page: Page;
const problems: string[] = [];

/** Presses Tab until the focused element matches `selector` (fails after `max` presses: it is not reachable). */
async function tabTo(selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} is not reachable with Tab`);
}

async function press(selector: string): Promise<void> {
  await tabTo(selector);
  await page.keyboard.press('Enter');
}

async function focusedId(): Promise<string> {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

/** Visible controls smaller than 44 x 44 px (a checkbox counts with its label; links inside a sentence are exempt). */
async function smallTargets(): Promise<string[]> {
  return page.$$eval('#app button, #app summary, #app select, #app input:not([type=checkbox]), #app a.btn, #app .support-box a, #app a.to-account, #app a.post-link, #app .pref label', (nodes) =>
    nodes
      .filter((n) => (n as HTMLElement).offsetParent !== null)
      .map((n) => ({ n, r: n.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(({ n, r }) => `${n.tagName.toLowerCase()}.${(n as HTMLElement).className} "${(n.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`),
  );
}

describe.skipIf(!hasChromium)('keyboard only (browser)', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    rt = await startTestRuntime();
    browser = await launch();
    page = (await personIn(browser, rt, problems)).page;
    expect((await call(rt, 'POST', '/sandbox/facebook/accounts', ACCOUNT)).status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('signs in, creates a workspace and connects Facebook', async () => {
    await page.goto(`${rt.url}/app/`);
    await page.waitForSelector('#sign-in:not([hidden])');
    await tabTo('#sign-in-user');
    await page.keyboard.type(USER.userId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(USER.email);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#app[data-lists="loaded"]');
    await tabTo('#ws-create-name');
    await page.keyboard.type('Keyboard Co');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#accounts-empty:not([hidden])');
    expect(await smallTargets()).toEqual([]);

    await press('#connect-button');
    await page.waitForURL(/\/sandbox\/facebook\//);
    await press(`button[data-account="${ACCOUNT.externalAccountId}"]`);
    await page.waitForSelector('article.card[data-badge="green"]');
    expect(await focusedId()).toBe('result');
    expect(await smallTargets()).toEqual([]);
  });

  it('reconnects an expired account', async () => {
    await dropAccess(rt, 'facebook', ACCOUNT.externalAccountId);
    await page.reload();
    await page.waitForSelector('#sign-in:not([hidden])');
    await press('#sign-in-form button[type=submit]');
    await page.waitForSelector('article.card[data-badge="red"]');
    expect(await smallTargets()).toEqual([]);

    await press('article.card[data-badge="red"] button.reconnect');
    await page.waitForURL(/\/sandbox\/facebook\//);
    await press(`button[data-account="${ACCOUNT.externalAccountId}"]`);
    await page.waitForSelector('article.card[data-badge="green"]');
    expect(await page.getAttribute('#result', 'data-result')).toBe('restored');
    expect(await focusedId()).toBe('result');
  });

  it('removes it, through the menu and the in-place confirmation', async () => {
    await press('article.card .menu summary');
    await press('article.card button.remove');
    // The question has the focus first, so it is heard before the choice.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('confirm'))).toBe(true);
    expect(await smallTargets()).toEqual([]);
    await press('article.card .confirm-yes');
    await page.waitForSelector('#accounts-empty:not([hidden])');
    expect(await focusedId()).toBe('accounts-title');
  });

  it('never left its own origin, broke no CSP rule and threw no errors', () => {
    expect(problems).toEqual([]);
  });
});
