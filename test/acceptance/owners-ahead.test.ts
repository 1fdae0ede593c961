import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../helpers/local-api.js';

/**
 * Owners ahead (contract additions of 2026-11-30): posts at risk, email preferences, the weekly
 * digest, late posts held after a restore, publish-now and delete, over HTTP only.
 */
interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}
interface Row {
  connectionId: string;
  status: string;
  postsAtRisk?: { count: number; nextPublishAt?: string };
}

let rt: LocalRuntime;
let quiet: ApiClient; // turned expiry emails and the digest off
let keen: ApiClient; // keeps every email
let wsQuiet: string;
let wsKeen: string;
const QUIET = 'quiet@owners.test';
const KEEN = 'keen@owners.test';

beforeAll(async () => {
  rt = await startTestRuntime();
  quiet = await new ApiClient(rt.url).login('quiet-owner', QUIET);
  keen = await new ApiClient(rt.url).login('keen-owner', KEEN);
  wsQuiet = await quiet.createWorkspace('Quiet Bakery');
  wsKeen = await keen.createWorkspace('Keen Bakery');
  await keen.sandboxAccount('facebook', 'fb-shared', 'Shared Page');
  for (const [client, ws] of [[quiet, wsQuiet], [keen, wsKeen]] as const) {
    expect((await client.connect(ws, 'facebook', 'fb-shared')).searchParams.get('result')).toBe('connected');
  }
}, 60_000);
afterAll(async () => rt?.stop());

const outbox = async () => (await keen.call<{ emails: Email[] }>('GET', '/local/outbox')).body.emails;
const now = async () => Date.parse((await keen.call<{ now: string }>('GET', '/local/clock')).body.now);
const inDays = (from: number, days: number) => new Date(from + days * 86_400_000).toISOString();
const drain = () => keen.call('POST', '/local/drain');

async function relogin(): Promise<void> {
  await quiet.login('quiet-owner', QUIET);
  await keen.login('keen-owner', KEEN);
}

describe('notification preferences', () => {
  it('are all on by default, take a partial change, and answer what is stored', async () => {
    const fresh = await quiet.call('GET', `/workspaces/${wsQuiet}/notification-preferences`);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({ email: { connectionExpired: true, postsFailed: true, connectionRestored: true, expiringSoon: true, weeklyDigest: true } });
    const put = await quiet.call('PUT', `/workspaces/${wsQuiet}/notification-preferences`, { email: { connectionExpired: false } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ email: { connectionExpired: false, postsFailed: true, weeklyDigest: true } });
    await quiet.call('PUT', `/workspaces/${wsQuiet}/notification-preferences`, { email: { weeklyDigest: false } });
    expect((await quiet.call('GET', `/workspaces/${wsQuiet}/notification-preferences`)).body).toMatchObject({ email: { connectionExpired: false, weeklyDigest: false, connectionRestored: true } });
  });

  it('refuses what is not a preference (400 VALIDATION_FAILED), and are the caller\'s own per workspace', async () => {
    for (const bad of [{ email: { connectionExpired: 'no' } }, { email: { weeklyDigst: false } }, { sms: {} }, []]) {
      const r = await quiet.call<{ error: { code: string } }>('PUT', `/workspaces/${wsQuiet}/notification-preferences`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await keen.call('GET', `/workspaces/${wsKeen}/notification-preferences`)).body).toMatchObject({ email: { connectionExpired: true, weeklyDigest: true } });
    expect((await keen.call('GET', `/workspaces/${wsQuiet}/notification-preferences`)).status).toBe(403);
  });
});

describe('an expiry with posts coming up', () => {
  it('emails only the owner who wants it (listing the posts at risk, with the preferences link); both get the alert; the rows carry postsAtRisk', async () => {
    const t0 = await now();
    const [keenConn] = (await keen.connections(wsKeen)) as Row[];
    const schedule = async (text: string, days: number) =>
      (await keen.call<{ postId: string }>('POST', `/workspaces/${wsKeen}/posts`, { connectionId: keenConn!.connectionId, text, publishAt: inDays(t0, days) })).body.postId;
    await schedule('Stollen on Thursday', 3);
    await schedule('Lebkuchen on Friday', 4);
    await schedule('Far away in January', 20);
    expect((await keen.connections(wsKeen) as Row[])[0]!.postsAtRisk).toBeUndefined();

    await keen.call('POST', '/sandbox/facebook/accounts/fb-shared/revoke', { reason: 'password_changed' });
    rt.clock.advanceDays(1);
    await relogin();
    await keen.call('POST', '/local/scan');
    await drain();

    const [row] = (await keen.connections(wsKeen)) as Row[];
    expect(row).toMatchObject({ status: 'expired', postsAtRisk: { count: 2, nextPublishAt: inDays(t0, 3) } });

    const emails = await outbox();
    expect(emails.filter((e) => e.to === QUIET)).toEqual([]);
    const expiry = emails.find((e) => e.to === KEEN && /disconnected/.test(e.subject));
    expect(expiry?.text).toContain('Stollen on Thursday');
    expect(expiry?.text).toContain('Lebkuchen on Friday');
    expect(expiry?.text).not.toContain('Far away in January');
    expect(expiry?.text).toContain(`/app/?workspace=${wsKeen}#notifications`);
    expect(expiry?.html).toContain(`/app/?workspace=${wsKeen}#notifications`);

    for (const [client, ws] of [[quiet, wsQuiet], [keen, wsKeen]] as const) {
      const alerts = (await client.call<{ alerts: { kind: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
      expect(alerts.map((a) => a.kind)).toContain('connection_expired');
    }
  }, 60_000);
});

describe('the weekly digest', () => {
  it('goes once per owner and ISO week, with "week" in its subject and List-Unsubscribe, not to an owner who opted out', async () => {
    const before = (await outbox()).length;
    expect((await keen.call('POST', '/local/digest')).status).toBe(200);
    const first = (await outbox()).slice(before);
    expect(first.filter((e) => e.to === QUIET)).toEqual([]);
    const digests = first.filter((e) => e.to === KEEN);
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    expect(digest.subject).toMatch(/week/i);
    expect(digest.text).toContain('Shared Page');
    expect(digest.text).toMatch(/disconnected/i);
    expect(digest.headers?.['List-Unsubscribe']).toBe(`<${rt.url}/app/?workspace=${wsKeen}#notifications>`);

    await keen.call('POST', '/local/digest');
    expect((await outbox()).length).toBe(before + first.length);

    rt.clock.advanceDays(7);
    await relogin();
    await keen.call('POST', '/local/digest');
    expect((await outbox()).slice(before + first.length).filter((e) => e.to === KEEN && /week/i.test(e.subject))).toHaveLength(1);
  }, 60_000);
});

describe('late posts after a restore', () => {
  it('hold policy: a late post is held, publish-now publishes it once (202), a held post can be deleted (204), a published one cannot (409)', async () => {
    const [row] = (await quiet.connections(wsQuiet)) as Row[];
    const settings = await quiet.call('PUT', `/workspaces/${wsQuiet}/settings`, { stalePosts: { policy: 'hold', afterHours: 2 } });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ stalePosts: { policy: 'hold', afterHours: 2 } });
    expect((await quiet.call('PUT', `/workspaces/${wsQuiet}/settings`, { stalePosts: { policy: 'later' } })).status).toBe(400);

    const schedule = async (text: string) =>
      (await quiet.call<{ postId: string }>('POST', `/workspaces/${wsQuiet}/posts`, { connectionId: row!.connectionId, text, publishAt: '2020-01-01T00:00:00Z' })).body.postId;
    const keep = await schedule('Held pretzel');
    const drop = await schedule('Dropped pretzel');
    await quiet.call('POST', '/local/publish-due');
    await drain();
    expect((await quiet.call('GET', `/workspaces/${wsQuiet}/posts/${keep}`)).body).toMatchObject({ status: 'failed' });

    expect((await quiet.reconnect(wsQuiet, row!.connectionId, 'fb-shared')).searchParams.get('result')).toBe('restored');
    await drain();
    for (const id of [keep, drop]) expect((await quiet.call('GET', `/workspaces/${wsQuiet}/posts/${id}`)).body).toMatchObject({ status: 'held' });
    const publishedTexts = async () => (await quiet.call<{ posts: { text: string }[] }>('GET', '/sandbox/facebook/posts')).body.posts.map((p) => p.text);
    expect(await publishedTexts()).not.toContain('Held pretzel');

    const now1 = await quiet.call('POST', `/workspaces/${wsQuiet}/posts/${keep}/publish-now`);
    expect(now1.status).toBe(202);
    await quiet.call('POST', '/local/publish-due');
    await drain();
    expect((await quiet.call('GET', `/workspaces/${wsQuiet}/posts/${keep}`)).body).toMatchObject({ status: 'published' });
    expect((await publishedTexts()).filter((t) => t === 'Held pretzel')).toHaveLength(1);
    const again = await quiet.call<{ error: { code: string } }>('POST', `/workspaces/${wsQuiet}/posts/${keep}/publish-now`);
    expect(again.status).toBe(409);

    expect((await quiet.call('DELETE', `/workspaces/${wsQuiet}/posts/${drop}`)).status).toBe(204);
    expect((await quiet.call('GET', `/workspaces/${wsQuiet}/posts/${drop}`)).status).toBe(404);
    const published = await quiet.call<{ error: { code: string; message: string } }>('DELETE', `/workspaces/${wsQuiet}/posts/${keep}`);
    expect(published.status).toBe(409);
    expect(published.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already published/) });
    expect((await publishedTexts()).filter((t) => t === 'Dropped pretzel')).toHaveLength(0);
  }, 60_000);

  it('skip policy: after a restore a post more than afterHours late ends failed_permanent SKIPPED_TOO_LATE; one less late is published', async () => {
    const [row] = (await quiet.connections(wsQuiet)) as Row[];
    expect((await quiet.call('PUT', `/workspaces/${wsQuiet}/settings`, { stalePosts: { policy: 'skip', afterHours: 2 } })).status).toBe(200);
    await quiet.call('POST', '/sandbox/facebook/accounts/fb-shared/revoke', { reason: 'password_changed' });
    const t = await now();
    const schedule = async (text: string, publishAt: string) =>
      (await quiet.call<{ postId: string }>('POST', `/workspaces/${wsQuiet}/posts`, { connectionId: row!.connectionId, text, publishAt })).body.postId;
    const old = await schedule('Old news', '2020-01-01T00:00:00Z');
    const fresh = await schedule('Fresh news', new Date(t - 60_000).toISOString());
    await quiet.call('POST', '/local/publish-due');
    await drain();
    for (const id of [old, fresh]) expect((await quiet.call('GET', `/workspaces/${wsQuiet}/posts/${id}`)).body).toMatchObject({ status: 'failed' });
    expect((await quiet.reconnect(wsQuiet, row!.connectionId, 'fb-shared')).searchParams.get('result')).toBe('restored');
    await drain();
    expect((await quiet.call('GET', `/workspaces/${wsQuiet}/posts/${old}`)).body).toMatchObject({ status: 'failed_permanent', lastError: { code: 'SKIPPED_TOO_LATE' } });
    expect((await quiet.call('GET', `/workspaces/${wsQuiet}/posts/${fresh}`)).body).toMatchObject({ status: 'published' });
  }, 60_000);
});
