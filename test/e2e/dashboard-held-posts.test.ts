import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../helpers/local-api.js';
import { expectAccessible } from './axe.js';
import { call, dropAccess, hasChromium, launch, personIn, screenshot, serverNow, signIn } from './browser.js';

/**
 * Late posts held for the owner (workspace setting stalePosts: hold): after a reconnect, posts more
 * than an hour late wait in "Held for you" with Publish now and Discard. Publish now puts a post out
 * once; Discard (asked in place) drops one, and neither comes back.
 */
const USER = { userId: 'held-owner', email: 'owner@held.example' };
const TEXTS = ['Sale ends Sunday!', 'Doors open at 9 tomorrow'];

let rt: LocalRuntime;
let browser: Browser;
let page: Page;
const problems: string[] = [];

async function published(text: string): Promise<number> {
  return (await call<{ posts: { text: string }[] }>(rt, 'GET', '/sandbox/facebook/posts')).body.posts.filter((p) => p.text === text).length;
}

describe.skipIf(!hasChromium)('held posts (browser)', { timeout: 90_000 }, () => {
  let ws = '';

  beforeAll(async () => {
    rt = await startTestRuntime();
    browser = await launch();
    page = (await personIn(browser, rt, problems)).page;
    const owner = await new ApiClient(rt.url).login(USER.userId, USER.email);
    ws = await owner.createWorkspace('Held Co');
    await owner.sandboxAccount('facebook', 'held-page', 'Held Page');
    const connectionId = (await owner.connect(ws, 'facebook', 'held-page')).searchParams.get('connectionId') ?? '';
    expect((await owner.call('PUT', `/workspaces/${ws}/settings`, { stalePosts: { policy: 'hold', afterHours: 1 } })).status).toBe(200);
    const at = new Date((await serverNow(rt)) + 86_400_000).toISOString();
    for (const text of TEXTS) expect((await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId, text, publishAt: at })).status).toBe(201);
    await dropAccess(rt, 'facebook', 'held-page');
    await owner.login(USER.userId, USER.email);
    expect((await owner.reconnect(ws, connectionId, 'held-page')).searchParams.get('result')).toBe('restored');
    expect((await call(rt, 'POST', '/local/drain', {})).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('lists the late posts held after the reconnect, with Publish now and Discard', async () => {
    await page.goto(`${rt.url}/app/?workspace=${ws}`);
    await signIn(page, USER);
    await page.waitForSelector('#held-section:not([hidden])');
    expect(await page.$$('#held li.post[data-status="held"]')).toHaveLength(2);
    const first = await page.$eval('#held', (e) => (e as HTMLElement).innerText);
    for (const t of TEXTS) expect(first).toContain(t);
    expect(first).toContain('Was due');
    for (const t of TEXTS) expect(await published(t)).toBe(0);
    await screenshot(page, 'held-posts.png');
    await expectAccessible(page, 'held posts');
  });

  it('Publish now puts one out, once', async () => {
    const item = `#held li.post:has-text("${TEXTS[0]}")`;
    await page.click(`${item} button.publish-now`);
    await page.waitForFunction(() => document.querySelectorAll('#held li.post').length === 1);
    await call(rt, 'POST', '/local/drain', {});
    await expect.poll(() => published(TEXTS[0]!), { timeout: 10_000 }).toBe(1);
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]');
    await page.selectOption('#posts-status', 'published');
    await page.waitForSelector(`#posts li.post[data-status="published"]:has-text("${TEXTS[0]}")`);
    await expectAccessible(page, 'posts view, filtered to published');
    expect(await published(TEXTS[0]!)).toBe(1);
  });

  it('Discard asks in place, then the post is gone and never published', async () => {
    const item = `#held li.post:has-text("${TEXTS[1]}")`;
    await page.click(`${item} button.discard`);
    expect(await page.$eval(`${item} .confirm`, (e) => (e as HTMLElement).innerText)).toContain('Discard this post?');
    await expectAccessible(page, 'Discard, asked in place');
    await page.click(`${item} .confirm-yes`);
    await page.waitForSelector('#held-section', { state: 'hidden' });
    await call(rt, 'POST', '/local/drain', {});
    expect(await published(TEXTS[1]!)).toBe(0);
  });

  it('never left its own origin, broke no CSP rule and threw no errors', () => {
    expect(problems).toEqual([]);
  });
});
