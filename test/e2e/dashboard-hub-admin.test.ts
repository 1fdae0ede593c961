import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../helpers/local-api.js';
import { expectAccessible } from './axe.js';
import { call, consent, dropAccess, hasChromium, launch, personIn, screenshot, signIn } from './browser.js';

/**
 * An agency's hub admin, from sign-in to reconnecting a client's account, without typing an id:
 * creates a hub, sees the client's workspace by name with its counts once the owner adds it, opens
 * the owner's email link (the page says why it cannot show it yet, in plain words, and never that
 * everything is fine), switches into the client's context with one click and reconnects.
 */
const ADMIN = { userId: 'agency-admin', email: 'admin@agency.example' };

let rt: LocalRuntime;
let browser: Browser;
let page: Page;
const problems: string[] = [];

async function visibleText(selector: string): Promise<string> {
  return page.$eval(selector, (e) => (e as HTMLElement).innerText);
}

describe.skipIf(!hasChromium)('a hub admin reconnects a client\u2019s account (browser)', { timeout: 90_000 }, () => {
  let ws = '';
  let connectionId = '';
  let hubId = '';

  beforeAll(async () => {
    rt = await startTestRuntime();
    browser = await launch();
    page = (await personIn(browser, rt, problems)).page;
    const owner = await new ApiClient(rt.url).login('client-owner', 'owner@client.example');
    ws = await owner.createWorkspace('Client Co');
    await owner.sandboxAccount('facebook', 'client-page', 'Client Co Page');
    const connected = await owner.connect(ws, 'facebook', 'client-page');
    connectionId = connected.searchParams.get('connectionId') ?? '';
    expect(connectionId).not.toBe('');
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('creates a hub from the page; the owner adds the workspace to it', async () => {
    await page.goto(`${rt.url}/app/`);
    await signIn(page, ADMIN);
    // Open already for someone with nothing yet.
    if (!(await page.$eval('#ws-more', (d) => (d as HTMLDetailsElement).open))) await page.click('#ws-more summary');
    await page.fill('#hub-create-name', 'Northwind Agency');
    await page.click('#hub-create-form button[type=submit]');
    await page.waitForSelector('#hub-overview:not([hidden]) .hub-id');
    expect(await visibleText('#hub-overview')).toContain('Northwind Agency');
    expect(await visibleText('#hub-overview')).toContain('No client workspaces yet');
    hubId = (await page.textContent('.hub-id')) ?? '';
    await expectAccessible(page, 'new hub, no client workspaces yet');
    // The owner pastes the hub id the agency gave them (their side; the admin typed no id).
    const owner = await new ApiClient(rt.url).login('client-owner', 'owner@client.example');
    expect((await owner.call('POST', `/hubs/${hubId}/workspaces`, { workspaceId: ws })).status).toBe(204);
  });

  it('sees the client by name with its counts once its account drops (no workspace ids, no "create your first workspace")', async () => {
    await dropAccess(rt, 'facebook', 'client-page');
    await page.reload();
    await signIn(page, ADMIN); // moving the clock ended the session
    const row = `li.hub-workspace[data-workspace-id="${ws}"]`;
    await page.waitForSelector(row);
    expect(await visibleText(row)).toContain('Client Co');
    expect(await page.textContent(`${row} [data-count="expired"]`)).toBe('1 expired');
    expect(await page.textContent(`${row} [data-count="active"]`)).toBe('0 active');
    expect(await visibleText(`${row} button.switch-context`)).toBe('Switch into Client Co\u2019s context');
    expect(await visibleText('#ws-current')).toBe('Pick a client workspace below');
    expect(await visibleText('#app')).not.toContain(ws);
    await screenshot(page, 'hub-overview.png');
    await expectAccessible(page, 'hub overview');
  });

  it('opening the owner\u2019s email link says, in plain words, why it cannot show the workspace yet, and offers the switch', async () => {
    await page.goto(`${rt.url}/app/?workspace=${ws}&reconnect=${connectionId}`);
    await page.waitForSelector('body[data-view="blocked"] #ws-blocked:not([hidden]) button.switch-context');
    await page.waitForFunction(() => (document.getElementById('ws-blocked')?.innerText ?? '').includes('Client Co'));
    const blocked = await visibleText('#ws-blocked');
    expect(blocked).toContain('Client Co is a client workspace of a hub you administer');
    const everything = await visibleText('body');
    expect(everything).not.toMatch(/X-Workspace-Context|header|WORKSPACE_CONTEXT_REQUIRED/);
    expect(everything).not.toContain('Everything is posting normally');
    expect(await page.isVisible('#workspace-view')).toBe(false);
    await expectAccessible(page, 'client workspace not shown until switching into its context');

    await page.click('#ws-blocked button.switch-context');
    await page.waitForSelector('article.card[data-badge="red"]');
    expect(await visibleText('#ws-current')).toBe('Client Co');
    expect(await visibleText('#ws-context')).toContain('Client workspace of Northwind Agency: you are working in it as a hub admin');
    await expectAccessible(page, 'in a client\u2019s context, its account expired');
  });

  it('reconnects the client\u2019s account; the overview turns green', async () => {
    await page.click('article.card[data-badge="red"] button.reconnect');
    await consent(page, 'facebook', { allowAs: 'client-page' });
    await page.waitForSelector('article.card[data-badge="green"]');
    expect(await page.getAttribute('#result', 'data-result')).toBe('restored');
    // Still in the client's context, and it says so.
    expect(await visibleText('#ws-context')).toContain('as a hub admin');
    await page.waitForSelector(`li.hub-workspace[data-workspace-id="${ws}"] [data-count="active"]:has-text("1 active")`);
    const rows = await call<{ workspaces: { connections: { expired: number } }[] }>(rt, 'GET', `/hubs/${hubId}/workspaces`, undefined, (await page.evaluate(() => localStorage.getItem('flamel.token'))) ?? '');
    expect(rows.body.workspaces[0]?.connections.expired).toBe(0);

    // Leaving the context is one click, and the page says where it is.
    await page.click('#ws-context button.leave-context');
    await page.waitForSelector('body[data-view="blocked"]');
    expect(await visibleText('#ws-blocked')).toContain('Switch into its context');
  });

  it('never left its own origin, broke no CSP rule and threw no errors', () => {
    expect(problems).toEqual([]);
  });
});
