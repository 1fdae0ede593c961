import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime.js';

/**
 * "Send a reconnect link" in a real browser: the owner creates and emails the link from the red card;
 * the Page's admin opens it in another browser (no Flamel sign-in), signs in to the platform and lands
 * on the link page, which says in words what happened; the owner's History shows the episode.
 * Every page must run under its CSP with no errors.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ACCOUNT = { externalAccountId: 'bakery-page', name: 'Bakery Page', isAdmin: true };
const USER = { userId: 'owner-link-e2e', email: 'owner@bakery.example' };

let rt: LocalRuntime;
let browser: Browser;
const problems: string[] = [];

async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(`${rt.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
  return res.status;
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return page;
}

async function allowAs(page: Page): Promise<void> {
  await page.waitForURL(/\/sandbox\/facebook\//);
  await page.click(`button[data-account="${ACCOUNT.externalAccountId}"]`);
}

describe.skipIf(!hasChromium)('reconnect link (browser)', { timeout: 60_000 }, () => {
  let owner: Page;
  let linkUrl = '';

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
    rt = await startLocalRuntime({ port: 0, dailyScan: false, publishDueEveryMs: 0, visibilityTimeoutSeconds: 1 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    expect(await post('/sandbox/facebook/accounts', ACCOUNT)).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('lets the owner send a reconnect link from the red card', async () => {
    owner = await newPage(await browser.newContext());
    await owner.goto(`${rt.url}/app/`);
    await owner.fill('#sign-in-user', USER.userId);
    await owner.fill('#sign-in-email', USER.email);
    await owner.click('#sign-in-form button[type=submit]');
    await owner.waitForSelector('#app:not([hidden])');
    await owner.fill('#ws-create-name', 'Bakery');
    await owner.click('#ws-create-form button[type=submit]');
    await owner.waitForSelector('#accounts-empty:not([hidden])');
    await owner.selectOption('#connect-platform', 'facebook');
    await owner.click('#connect-button');
    await allowAs(owner);
    await owner.waitForSelector('article.card[data-badge="green"]');
    // Active: nothing to send.
    expect(await owner.isVisible('article.card button.send-link')).toBe(false);

    expect(await post(`/sandbox/facebook/accounts/${ACCOUNT.externalAccountId}/revoke`, { reason: 'password_changed' })).toBe(200);
    expect(await post('/local/clock', { advanceDays: 8 })).toBe(200);
    expect(await post('/local/scan', {})).toBe(200);
    await owner.reload();
    await owner.waitForSelector('#sign-in:not([hidden]), body[data-loaded="true"]');
    if (await owner.isVisible('#sign-in')) await owner.click('#sign-in-form button[type=submit]');
    await owner.click('article.card[data-badge="red"] .send-link-box summary');
    await owner.fill('article.card[data-badge="red"] input.link-email', 'admin@page.example');
    await owner.click('article.card[data-badge="red"] button.send-link');
    await owner.waitForSelector('.link-made .link-url');
    linkUrl = (await owner.textContent('.link-made .link-url')) ?? '';
    expect(linkUrl).toMatch(/\/reconnect\/[A-Za-z0-9_-]{43}$/);
    expect(await owner.textContent('.link-made')).toContain('Emailed to admin@page.example');
    const outbox = (await (await fetch(`${rt.url}/local/outbox`)).json()) as { emails: { to: string | string[]; text: string }[] };
    expect(outbox.emails.some((e) => String(e.to).includes('admin@page.example') && e.text.includes(linkUrl))).toBe(true);
  });

  it('reconnects through the link in another browser and tells the result in words', async () => {
    const admin = await newPage(await browser.newContext());
    await admin.goto(linkUrl);
    await allowAs(admin);
    await admin.waitForURL(/\/app\/link-result\.html\?/);
    await admin.waitForSelector('body[data-outcome]');
    expect(await admin.getAttribute('body', 'data-outcome')).toBe('restored');
    expect(await admin.textContent('#link-message')).toContain('reconnected');

    // A second visit is refused in words and starts nothing.
    await admin.goto(linkUrl);
    await admin.waitForURL(/\/app\/link-result\.html\?/);
    await admin.waitForSelector('body[data-outcome]');
    expect(await admin.getAttribute('body', 'data-outcome')).toBe('error');
    expect(await admin.textContent('#link-message')).toContain('already used');
  });

  it('shows the episode in the owner\u2019s History, and no page broke its CSP', async () => {
    await owner.reload();
    await owner.waitForSelector('article.card[data-badge="green"]');
    await owner.click('article.card .history summary');
    await owner.waitForSelector('.timeline li[data-type="restored"]');
    const types = await owner.$$eval('.timeline li', (lis) => lis.map((li) => (li as HTMLElement).dataset.type));
    for (const t of ['connected', 'expired', 'link_created', 'link_used', 'restored']) expect(types, t).toContain(t);
    expect(types.indexOf('expired')).toBeLessThan(types.indexOf('restored'));
    expect(problems).toEqual([]);
  });
});
