import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../helpers/local-api.js';

/**
 * Platform incidents in the dashboard: while LinkedIn refuses Flamel's app, the owner sees one
 * banner for LinkedIn that says publishing is paused on our side and there is nothing to do, the
 * account stays green, and the banner is gone once it clears.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

let rt: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  rt = await startTestRuntime();
  if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rt?.stop();
});

describe.runIf(hasChromium)('platform status banner', () => {
  it('shows one banner per platform refusing our app, and none once it clears', async () => {
    const owner = await new ApiClient(rt.url).login('banner-owner', 'owner@banner.test');
    const ws = await owner.createWorkspace('Banner Co');
    for (const n of [1, 2]) {
      await owner.sandboxAccount('linkedin', `li-banner-${n}`, `Banner Page ${n}`);
      await owner.connect(ws, 'linkedin', `li-banner-${n}`);
    }
    await owner.call('POST', '/sandbox/linkedin/app', { state: 'version_retired' });
    rt.clock.advanceDays(1);
    await owner.login('banner-owner', 'owner@banner.test');
    await owner.call('POST', '/local/scan');

    expect((await owner.call<{ platforms: { platform: string; status: string }[] }>('GET', '/platform-status')).body.platforms.find((p) => p.platform === 'linkedin')?.status).toBe('integration_problem');
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${rt.url}/app/?workspace=${ws}`);
    await page.fill('#sign-in-user', 'banner-owner');
    await page.fill('#sign-in-email', 'owner@banner.test');
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#platform-status:not([hidden]) [data-platform="linkedin"]');
    const banners = await page.$$eval('#platform-status [data-platform]', (nodes) => nodes.map((n) => [n.getAttribute('data-platform'), n.textContent]));
    expect(banners).toEqual([['linkedin', expect.stringContaining('Publishing to LinkedIn is paused on our side; nothing to do.')]]);
    // The banner and the cards come from two requests: wait for the cards before reading their badges.
    await page.waitForFunction(() => document.querySelectorAll('article.card').length === 2);
    expect(await page.$$eval('article.card', (cards) => cards.map((c) => c.getAttribute('data-badge')))).toEqual(['green', 'green']);

    await owner.call('POST', '/sandbox/linkedin/app', { state: 'ok' });
    rt.clock.advanceDays(1);
    await owner.login('banner-owner', 'owner@banner.test');
    await owner.call('POST', '/local/scan');
    // Moving the clock a day ends the session: sign in again.
    await page.reload();
    await page.fill('#sign-in-user', 'banner-owner');
    await page.fill('#sign-in-email', 'owner@banner.test');
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('body[data-loaded="true"]');
    await expect.poll(() => page.isHidden('#platform-status')).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);
});
