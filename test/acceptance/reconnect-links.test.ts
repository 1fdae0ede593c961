/**
 * Reconnect links and a connection's history (CONTRACT.md, additions of 2026-11-30), over HTTP only:
 * the owner creates a link; the Page's admin opens it in a browser of their own (its own cookie jar,
 * no Flamel sign-in) and reconnects; the history tells the story.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/local-api.js';
import { Http, Local, PAST, User, expectError, uid, type Platform } from './contract-client.js';

interface HistoryEvent {
  at: string;
  type: string;
  [k: string]: unknown;
}

let rt: { url: string; stop(): Promise<void> };
let local: Local;
let owner: User;
let ws: string;
const platform: Platform = 'facebook';
const page = uid('page');
const other = uid('other');
let connectionId = '';

beforeAll(async () => {
  rt = await startTestRuntime();
  local = new Local(new Http(rt.url));
  owner = new User(local, uid('owner'), 'owner@shop.test');
  ws = await owner.createWorkspace('Bakery');
  await local.account(platform, page, 'Bakery Page', true);
  await local.account(platform, other, 'Someone Else', true);
  connectionId = await owner.connected(ws, platform, page);
}, 60_000);
afterAll(async () => rt?.stop());

/** A browser that never signed in to Flamel: its own cookies only. */
function freshBrowser(): { http: Http; local: Local } {
  const http = new Http(rt.url);
  return { http, local: new Local(http) };
}

async function expireByPost(reasonText: string): Promise<string> {
  await local.revoke(platform, page, 'password_changed');
  const postId = await owner.schedule(ws, connectionId, platform, reasonText, PAST);
  await local.publishDue();
  await local.drain();
  expect(await owner.connection(ws, connectionId)).toMatchObject({ status: 'expired' });
  return postId;
}

async function createLink(body: unknown = {}): Promise<{ url: string; expiresAt: string }> {
  const r = await owner.call<{ url: string; expiresAt: string }>('POST', `/workspaces/${ws}/connections/${connectionId}/reconnect-link`, body);
  expect(r.status, r.text).toBe(201);
  return r.body;
}

async function history(): Promise<HistoryEvent[]> {
  const r = await owner.call<{ events: HistoryEvent[] }>('GET', `/workspaces/${ws}/connections/${connectionId}/history`);
  expect(r.status, r.text).toBe(200);
  return r.body.events;
}

/** Opens a link in `browser`; returns the 302's target and the cookies it set. */
async function open(browser: Http, url: string): Promise<{ location: URL; setCookie: string[] }> {
  const res = await browser.jar.fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return { location: new URL(res.headers.get('location') ?? '', rt.url), setCookie: res.headers.getSetCookie() };
}

describe.sequential('reconnect links', { timeout: 60_000 }, () => {
  it('records failed checks during an outage as one event, and nothing else changes', async () => {
    await local.outage(platform, true);
    for (let day = 0; day < 2; day++) {
      await local.advanceDays(1);
      await local.scan();
      await local.drain();
    }
    await local.outage(platform, false);
    const failed = (await history()).filter((e) => e.type === 'check_failed');
    expect(failed).toEqual([expect.objectContaining({ count: 2, until: expect.any(String) })]);
    expect(await owner.connection(ws, connectionId)).toMatchObject({ status: 'active' });
  });

  it('creates a 72-hour link and emails it with the account, the reason, who asked and the platform tip', async () => {
    const postId = await expireByPost(`Croissants ${uid('p')}`);
    const before = Date.parse(await local.now());
    const link = await createLink({ email: 'admin@page.test' });
    expect(link.url.startsWith(rt.url)).toBe(true);
    expect(Date.parse(link.expiresAt) - before).toBeGreaterThanOrEqual(72 * 3_600_000 - 60_000);
    expect(Date.parse(link.expiresAt) - before).toBeLessThanOrEqual(72 * 3_600_000 + 60_000);
    const [mail] = await local.emailsTo('admin@page.test');
    expect(mail, 'link email').toMatchObject({ subject: expect.stringMatching(/\S/), text: expect.stringMatching(/\S/) });
    expect(mail!.text).toContain(link.url);
    expect(mail!.text).toContain('Bakery Page');
    expect(mail!.text).toContain('Facebook');
    expect(mail!.text).toContain('owner@shop.test');
    expect(mail!.text).toMatch(/password was changed/);
    expect(mail!.text).toMatch(/signed in to Facebook as the Page.s admin in this browser/);
    expect(mail!.html).toContain('Bakery Page');

    // The admin's own browser: no Flamel sign-in, its own cookies.
    const admin = freshBrowser();
    const opened = await open(admin.http, link.url);
    expect(opened.location.pathname).toContain('/sandbox/facebook/oauth/authorize');
    expect(opened.setCookie.some((c) => /^flamel_oauth_[^=]+=.+HttpOnly/i.test(c) && /SameSite=Lax/i.test(c))).toBe(true);
    const landed = await admin.local.callback(await admin.local.authorize(opened.location.toString(), page));
    expect(landed.pathname).toBe('/app/link-result.html');
    expect(landed.searchParams.get('result')).toBe('restored');
    await local.drain();
    expect(await owner.connection(ws, connectionId)).toMatchObject({ status: 'active' });
    expect((await owner.post(ws, postId)).status).toBe('published');

    const events = await history();
    const types = events.map((e) => e.type);
    for (const t of ['connected', 'expired', 'link_created', 'email_sent', 'link_used', 'restored', 'post_retried']) expect(types, t).toContain(t);
    expect(types.indexOf('connected')).toBeLessThan(types.indexOf('expired'));
    expect(types.indexOf('link_used')).toBeLessThan(types.indexOf('restored'));
    expect(events.find((e) => e.type === 'expired')).toMatchObject({ reason: 'password_changed', errorCode: expect.stringMatching(/^CONNECTION_EXPIRED/), platformMessage: expect.any(String) });
    expect(events.find((e) => e.type === 'email_sent' && e.kind === 'reconnect_link')).toMatchObject({ to: 'admin@page.test' });
    expect(events.find((e) => e.type === 'email_sent' && e.kind === 'expired')).toMatchObject({ to: 'owner@shop.test' });
    expect(events.find((e) => e.type === 'post_retried')).toMatchObject({ postId, status: 'published' });
    expect([...events].sort((a, b) => a.at.localeCompare(b.at))).toEqual(events);
    // Each thing once, however many deliveries it took.
    expect(types.filter((t) => t === 'expired')).toHaveLength(1);
    expect(types.filter((t) => t === 'restored')).toHaveLength(1);

    // A second use is refused and starts nothing.
    const again = await open(freshBrowser().http, link.url);
    expect(again.location.pathname).toBe('/app/link-result.html');
    expect(again.location.searchParams.get('code')).toBe('LINK_USED');
    expect(again.setCookie).toEqual([]);
  });

  it('refuses another account (WRONG_ACCOUNT), changes nothing and records it', async () => {
    await local.advanceDays(1);
    await expireByPost(`Bagels ${uid('p')}`);
    const link = await createLink();
    const stranger = freshBrowser();
    const opened = await open(stranger.http, link.url);
    const landed = await stranger.local.callback(await stranger.local.authorize(opened.location.toString(), other));
    expect(landed.pathname).toBe('/app/link-result.html');
    expect(landed.searchParams.get('result')).toBe('error');
    expect(landed.searchParams.get('code')).toBe('WRONG_ACCOUNT');
    expect(await owner.connection(ws, connectionId)).toMatchObject({ status: 'expired' });
    expect((await history()).filter((e) => e.type === 'reconnect_failed')).toEqual([expect.objectContaining({ code: 'WRONG_ACCOUNT' })]);
  });

  it('ends older links when a new one is created, and every link on DELETE', async () => {
    const first = await createLink();
    const second = await createLink();
    expect((await open(freshBrowser().http, first.url)).location.searchParams.get('code')).toBe('LINK_REVOKED');
    const del = await owner.call('DELETE', `/workspaces/${ws}/connections/${connectionId}/reconnect-link`);
    expect(del.status, del.text).toBe(204);
    const refused = await open(freshBrowser().http, second.url);
    expect(refused.location.searchParams.get('code')).toBe('LINK_REVOKED');
    expect(refused.setCookie).toEqual([]);
  });

  it('expires a link after 72 hours', async () => {
    const link = await createLink();
    await local.advanceDays(3.01);
    const refused = await open(freshBrowser().http, link.url);
    expect(refused.location.pathname).toBe('/app/link-result.html');
    expect(refused.location.searchParams.get('code')).toBe('LINK_EXPIRED');
    expect(refused.setCookie).toEqual([]);
  });

  it('refuses a sign-in without the Page admin role (ADMIN_ROLE_REQUIRED), changing nothing', async () => {
    await local.setAdmin(platform, page, false);
    const link = await createLink();
    const editor = freshBrowser();
    const opened = await open(editor.http, link.url);
    const landed = await editor.local.callback(await editor.local.authorize(opened.location.toString(), page));
    expect(landed.pathname).toBe('/app/link-result.html');
    expect(landed.searchParams.get('code')).toBe('ADMIN_ROLE_REQUIRED');
    expect(await owner.connection(ws, connectionId)).toMatchObject({ status: 'expired' });
    expect((await history()).filter((e) => e.type === 'reconnect_failed').map((e) => e.code)).toEqual(['WRONG_ACCOUNT', 'ADMIN_ROLE_REQUIRED']);
    await local.setAdmin(platform, page, true);
  });

  it('answers an unknown link as not valid, and lets nobody but the workspace create links or read history', async () => {
    const bogus = await open(freshBrowser().http, `${rt.url}/reconnect/${'A'.repeat(43)}`);
    expect(bogus.location.searchParams.get('code')).toBe('LINK_INVALID');
    const outsider = new User(local, uid('outsider'));
    const create = await outsider.call('POST', `/workspaces/${ws}/connections/${connectionId}/reconnect-link`, {});
    expect([403, 404]).toContain(create.status);
    const read = await outsider.call('GET', `/workspaces/${ws}/connections/${connectionId}/history`);
    expect([403, 404]).toContain(read.status);
    expectError(await owner.call('POST', `/workspaces/${ws}/connections/${connectionId}/reconnect-link`, { email: 'not an address' }), 400, 'VALIDATION_FAILED');
  });

  it('serves the link page, CSP-clean, with its words looked up by code', async () => {
    const res = await fetch(`${rt.url}/app/link-result.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<style>| on[a-z]+=/i);
    const words = (await (await fetch(`${rt.url}/app/messages.json`)).json()) as { linkResults: Record<string, Record<string, string>> };
    expect(words.linkResults.restored?.facebook).toMatch(/reconnected/);
    expect(words.linkResults.LINK_USED?._).toMatch(/already used/);
    expect(words.linkResults.WRONG_ACCOUNT?.facebook).toMatch(/another account/);
  });
});
