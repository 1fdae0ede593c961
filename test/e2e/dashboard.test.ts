import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime.js';
import { ApiClient } from '../helpers/local-api.js';

/**
 * The Connected Accounts dashboard driven in a real browser, as a person would use it, against the
 * whole local runtime (sandbox Facebook included): sign in, create a workspace, Connect, expire,
 * the email's reconnect link, Reconnect, Deny, Remove.
 * Screenshots go to docs/ only with UPDATE_SCREENSHOTS=1 (CI writes no files).
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[e2e] Skipping the dashboard browser tests: ${CHROMIUM} is missing (install it with: apt-get install -y chromium).`);
}
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

const ACCOUNT = { externalAccountId: 'acme-running-page', name: 'Acme Running Co.', isAdmin: true };
const POST_TEXT = 'Spring sale: 20% off running shoes until Sunday!';
const USER = { userId: 'owner-e2e', email: 'owner@acme.example' };

let rt: LocalRuntime;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Requests the page tried to send anywhere but its own origin (there must be none). */
const foreign: string[] = [];
/** Uncaught errors in the page (there must be none). */
const pageErrors: string[] = [];

async function post<T = unknown>(path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${rt.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function screenshot(name: string): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  mkdirSync(DOCS, { recursive: true });
  await page.screenshot({ path: join(DOCS, name), fullPage: true });
}

/** On the sandbox's consent screen: Allow as the account (or Deny), then back on the dashboard. */
async function consent(choice: 'allow' | 'deny'): Promise<void> {
  await page.waitForURL(/\/sandbox\/facebook\//);
  await expect.poll(() => page.title()).toContain('Facebook');
  if (choice === 'allow') await page.click(`button[data-account="${ACCOUNT.externalAccountId}"]`);
  else await page.click('button.deny');
  await page.waitForURL(/\/app\/\?/);
  await page.waitForSelector('body[data-loaded="true"]');
}

async function signInIfAsked(): Promise<void> {
  await page.waitForSelector('#sign-in:not([hidden]), body[data-loaded="true"]');
  if (await page.isVisible('#sign-in')) {
    // The form keeps who signed in last; a person only clicks Sign in again.
    expect(await page.inputValue('#sign-in-user')).toBe(USER.userId);
    await page.click('#sign-in-form button[type=submit]');
  }
  await page.waitForSelector('body[data-loaded="true"]');
}

function card(state?: string): string {
  return `article.card[data-platform="facebook"]${state ? `[data-badge="${state}"]` : ''}`;
}

describe.skipIf(!hasChromium)('Connected Accounts dashboard (browser)', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
    rt = await startLocalRuntime({ port: 0, dailyScan: false, publishDueEveryMs: 0, visibilityTimeoutSeconds: 1 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    // The page may talk to its own origin only: anything else is blocked and fails the last test.
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(rt.url)) return route.continue();
      foreign.push(u);
      return route.abort();
    });
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    expect((await post('/sandbox/facebook/accounts', ACCOUNT)).status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
  });

  let workspaceId = '';
  let connectionId = '';

  it('signs in, creates a workspace and connects Facebook through the authorize page', async () => {
    await page.goto(`${rt.url}/app/`);
    await page.fill('#sign-in-user', USER.userId);
    await page.fill('#sign-in-email', USER.email);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');

    await page.fill('#ws-create-name', 'Acme Marketing');
    await page.click('#ws-create-form button[type=submit]');
    await page.waitForSelector('#accounts-empty:not([hidden])');
    workspaceId = new URL(page.url()).searchParams.get('workspace') ?? '';
    expect(workspaceId).not.toBe('');
    expect(await page.textContent('#ws-current')).toContain('Acme Marketing');

    await page.selectOption('#connect-platform', 'facebook');
    await page.click('#connect-button');
    await consent('allow');

    await page.waitForSelector(card('green'));
    expect(await page.getAttribute('#result', 'data-result')).toBe('connected');
    expect(await page.textContent(card('green'))).toContain(ACCOUNT.name);
    expect(await page.textContent(`${card('green')} .badge`)).toContain('Active');
    connectionId = (await page.getAttribute(card('green'), 'data-connection-id')) ?? '';
    expect(connectionId).not.toBe('');
    // Back on the dashboard, the address keeps the workspace (and no OAuth leftovers).
    expect(new URL(page.url()).search).toBe(`?workspace=${workspaceId}`);
  });

  it('shows the red badge, the reason, the error code and the alerts once the platform drops the access', async () => {
    const token = await page.evaluate(() => localStorage.getItem('flamel.token'));
    // A post due tomorrow: it will fail while the account is down, then retry by itself.
    const now = (await (await fetch(`${rt.url}/local/clock`)).json()) as { now: string };
    const publishAt = new Date(Date.parse(now.now) + 86_400_000).toISOString();
    const scheduled = await post(`/workspaces/${workspaceId}/posts`, { connectionId, text: POST_TEXT, publishAt }, token ?? '');
    expect(scheduled.status).toBe(201);

    expect((await post(`/sandbox/facebook/accounts/${ACCOUNT.externalAccountId}/revoke`, { reason: 'password_changed' })).status).toBe(200);
    expect((await post('/local/clock', { advanceDays: 8 })).status).toBe(200);
    const scan = await post<{ expired: number }>('/local/scan', {});
    expect(scan.body.expired).toBe(1);
    expect((await post('/local/publish-due', {})).status).toBe(200);

    await page.reload();
    await signInIfAsked(); // the session aged with the clock
    await page.waitForSelector(card('red'));
    const text = (await page.textContent(card('red'))) ?? '';
    expect(text).toContain('Expired');
    expect(text).toContain('password was changed');
    expect(text).toContain('Click Reconnect and sign in to Facebook again');
    expect(await page.textContent(`${card('red')} .error-code`)).toMatch(/^CONNECTION_EXPIRED/);
    expect(text).toContain('Log in as the admin first');
    expect(text).toContain('If reconnect keeps failing');

    await page.waitForSelector('.alert[data-kind="connection_expired"][data-resolved="false"]');
    await page.waitForSelector('.alert[data-kind="post_failed"][data-resolved="false"]');
    expect(await page.textContent('.alert[data-kind="post_failed"]')).toContain('Failed post');
    await page.click(`${card('red')} .keeps-failing summary`);
    const steps = (await page.textContent(`${card('red')} .keeps-failing`)) ?? '';
    expect(steps).toContain('Remove the account, then add it fresh');
    expect(steps).toContain('support@flamel.ai');
    // The Posts list: the post waits for the reconnect, at its time in the viewer's time zone.
    await page.waitForSelector('li.post[data-status="failed"]');
    const waiting = (await page.textContent('li.post[data-status="failed"]')) ?? '';
    expect(waiting).toContain(POST_TEXT);
    expect(waiting).toContain('Waiting for reconnect');
    expect(await page.getAttribute('li.post[data-status="failed"] time', 'datetime')).toMatch(/^\d{4}-/);
    await page.selectOption('#posts-status', 'published');
    await page.waitForSelector('#posts-empty:not([hidden])');
    await page.selectOption('#posts-status', '');
    await page.waitForSelector('li.post[data-status="failed"]');
    await screenshot('dashboard-expired.png');
  });

  it('opens the email\u2019s reconnect link, reconnects and shows the restored banner', async () => {
    const outbox = (await (await fetch(`${rt.url}/local/outbox`)).json()) as { emails: { text: string }[] };
    const link = outbox.emails.map((e) => /https?:\/\/\S*reconnect=[^\s)>"]+/.exec(e.text)?.[0]).find((l) => l !== undefined);
    expect(link, 'the expiry email carries a reconnect link').toMatch(/^https?:\/\//);
    const target = new URL(link!);
    expect(target.searchParams.get('reconnect')).toBe(connectionId);

    await page.goto(`${rt.url}${target.pathname}${target.search}`);
    await signInIfAsked();
    await page.waitForSelector('#reconnect-focus:not([hidden]) button.reconnect');
    expect(await page.textContent('#reconnect-focus')).toContain(`Reconnect Facebook account \u201c${ACCOUNT.name}\u201d`);
    expect(await page.textContent('#reconnect-focus')).toContain('Log in as the admin first');
    expect(await page.getAttribute(card('red'), 'class')).toContain('card-focus');

    await page.click('#reconnect-focus button.reconnect');
    await consent('allow');
    await page.waitForSelector(card('green'));
    expect(await page.getAttribute('#result', 'data-result')).toBe('restored');
    expect(await page.textContent('#result')).toContain('Posts that failed while it was down will retry automatically');
    expect(await page.isVisible('#reconnect-focus')).toBe(false);

    // The waiting post goes out by itself; the page shows its alert and the expiry alert resolved
    // without a reload (it refreshes a few times after a restore).
    expect((await post('/local/drain', {})).status).toBe(200);
    await page.waitForFunction(
      () =>
        document.querySelector('.alert[data-kind="connection_expired"][data-resolved="true"]') !== null &&
        document.querySelector('.alert[data-kind="post_failed"][data-resolved="true"]') !== null &&
        document.querySelectorAll('.alert[data-resolved="false"]').length === 0,
      undefined,
      { timeout: 15_000 },
    );
    const published = (await (await fetch(`${rt.url}/sandbox/facebook/posts`)).json()) as { posts: { text: string }[] };
    expect(published.posts.map((p) => p.text)).toContain(POST_TEXT);
    expect(await page.isVisible('#result[data-result="restored"]')).toBe(true);
    await page.waitForSelector('li.post[data-status="published"]', { timeout: 15_000 });
    expect(await page.textContent('li.post[data-status="published"]')).toContain('Published');
    await screenshot('dashboard-restored.png');
  });

  it('Deny on the authorize page comes back with the ACCESS_DENIED message and the help steps', async () => {
    await page.selectOption('#connect-platform', 'facebook');
    await page.click('#connect-button');
    await consent('deny');
    await page.waitForSelector('#result[data-result="error"][data-messages="loaded"]');
    expect(await page.textContent('#result .result-code')).toBe('ACCESS_DENIED');
    const banner = (await page.textContent('#result')) ?? '';
    expect(banner).toContain('You cancelled the Facebook permissions screen');
    expect(banner).toContain('If reconnect keeps failing');
    expect(banner).toContain('support@flamel.ai');
    // Nothing changed: the account is still connected.
    expect(await page.$$(card('green'))).toHaveLength(1);
  });

  it('never shows words from the address: an error banner says what the system wrote for the code (issue 10, point 7)', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"> Your account is locked: call 555-0100 to restore it';
    await page.goto(`${rt.url}/app/?result=error&code=${encodeURIComponent('<b>X</b>')}&message=${encodeURIComponent(evil)}&error=${encodeURIComponent(evil)}`);
    await page.waitForSelector('#result[data-result="error"][data-messages="loaded"]');
    const banner = (await page.textContent('#result')) ?? '';
    expect(banner).not.toMatch(/555|locked|onerror/);
    expect(await page.textContent('#result .result-code')).toBe('unknown');
    expect(await page.$$('#result img, #result b')).toHaveLength(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // A real code with a forged message: the code's own words, from the table, not the forged ones.
    await page.goto(`${rt.url}/app/?result=error&code=STATE_EXPIRED&platform=linkedin&message=${encodeURIComponent(evil)}`);
    await page.waitForSelector('#result[data-result="error"][data-messages="loaded"]');
    expect(await page.textContent('#result .result-message')).toContain('took longer than 10 minutes');
    expect((await page.textContent('#result')) ?? '').not.toMatch(/555|locked/);
  });

  it('Remove asks first, then the account is gone', async () => {
    await page.click(`${card('green')} button.remove`);
    await page.waitForSelector('#accounts-empty:not([hidden])');
    expect(await page.$$(card())).toHaveLength(0);
  });

  it('a hub admin switches into a client workspace by its id (X-Workspace-Context)', async () => {
    const owner = await new ApiClient(rt.url).login('client-owner');
    const ws = await owner.createWorkspace('Client Co');
    await owner.sandboxAccount('facebook', 'client-page', 'Client Co Page');
    expect((await owner.connect(ws, 'facebook', 'client-page')).searchParams.get('result')).toBe('connected');
    const admin = await new ApiClient(rt.url).login('agency-admin');
    const hub = await admin.call<{ hubId: string }>('POST', '/hubs', { name: 'Agency' });
    expect((await owner.call('POST', `/hubs/${hub.body.hubId}/workspaces`, { workspaceId: ws })).status).toBe(204);

    const adminContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const p = await adminContext.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      // The owner's link opened by the hub admin: without the context the API says so, and the page offers the switch.
      await p.goto(`${rt.url}/app/?workspace=${ws}`);
      await p.fill('#sign-in-user', 'agency-admin');
      await p.fill('#sign-in-email', 'admin@agency.example');
      await p.click('#sign-in-form button[type=submit]');
      await p.waitForSelector('#notice:not([hidden])');
      expect(await p.textContent('#notice')).toContain('WORKSPACE_CONTEXT_REQUIRED');
      await p.click('#notice button.btn');
      await p.waitForSelector('article.card[data-badge="green"]');
      expect(await p.textContent('article.card')).toContain('Client Co Page');
      expect(await p.isVisible('#ws-context')).toBe(true);

      // Leaving and typing the id in the hub-admin form gets back in.
      await p.click('#ws-context button');
      await p.waitForSelector('#notice:not([hidden])');
      await p.click('#ws-more summary');
      await p.fill('#ws-context-id', ws);
      await p.click('#ws-context-form button[type=submit]');
      await p.waitForSelector('article.card[data-badge="green"]');
      expect(await p.evaluate(() => localStorage.getItem('flamel.context'))).toBe(ws);
      // The hub overview lists the client by name with its counts; its button switches into the context.
      await p.click('#ws-context button');
      await p.waitForSelector('#hub-overview:not([hidden]) li.hub-workspace');
      const row = `li.hub-workspace[data-workspace-id="${ws}"]`;
      expect(await p.textContent(row)).toContain('Client Co');
      expect(await p.textContent(`${row} [data-count="active"]`)).toBe('1 active');
      expect(await p.textContent(`${row} [data-count="expired"]`)).toBe('0 expired');
      expect(await p.textContent(`${row} button.switch-context`)).toBe('Switch into Client Co\u2019s context');
      await p.click(`${row} button.switch-context`);
      await p.waitForSelector('article.card[data-badge="green"]');
      expect(await p.isVisible('#ws-context')).toBe(true);
      expect(await p.textContent('#ws-current')).toContain('Client Co');
    } finally {
      await adminContext.close();
    }
  });

  it('never left its own origin and threw no errors', () => {
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
