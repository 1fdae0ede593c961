/**
 * Acceptance: "Lists the dashboard needs" (CONTRACT.md, additions of 2026-11-30), over HTTP only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/local-api.js';
import { Http, Local, PAST, User, expectError, uid } from './contract-client.js';

interface ListedPost {
  postId: string;
  connectionId: string;
  text: string;
  status: string;
  publishAt: string;
  attempts: number;
  platformPostId?: string;
  publishedAt?: string;
  lastError?: { code: string; message: string };
}
interface PostsPage {
  posts: ListedPost[];
  nextToken?: string;
}
interface Counts {
  active: number;
  expiring: number;
  expired: number;
}

const POST_KEYS = ['postId', 'connectionId', 'text', 'status', 'publishAt', 'attempts', 'platformPostId', 'publishedAt', 'lastError'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let rt: { url: string; stop(): Promise<void> };
let local: Local;
beforeAll(async () => {
  rt = await startTestRuntime();
  local = new Local(new Http(rt.url));
}, 120_000);
afterAll(async () => {
  await rt?.stop();
});

async function page(user: User, ws: string, query = ''): Promise<PostsPage> {
  const r = await user.call<PostsPage>('GET', `/workspaces/${ws}/posts${query}`);
  expect(r.status, r.text).toBe(200);
  for (const p of r.body.posts) {
    for (const k of Object.keys(p)) expect(POST_KEYS, `unexpected post key ${k}`).toContain(k);
    expect(p.publishAt).toMatch(ISO);
    expect(typeof p.attempts).toBe('number');
  }
  return r.body;
}

/** Every page, following nextToken. */
async function allPages(user: User, ws: string, query: string): Promise<{ posts: ListedPost[]; pages: number }> {
  const posts: ListedPost[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const sep = query ? '&' : '?';
    const body = await page(user, ws, `${query}${token ? `${sep}nextToken=${encodeURIComponent(token)}` : ''}`);
    posts.push(...body.posts);
    token = body.nextToken;
    pages += 1;
  } while (token && pages < 50);
  return { posts, pages };
}

const inDays = (now: string, days: number) => new Date(Date.parse(now) + days * 86_400_000).toISOString();

describe.sequential('lists', { timeout: 120_000 }, () => {
  describe.sequential('GET /workspaces, GET /hubs, GET /hubs/{hubId}/workspaces', () => {
    let owner: User;
    let admin: User;
    let stranger: User;
    let hubId: string;
    const ws: Record<'red' | 'amber' | 'green', string> = { red: '', amber: '', green: '' };

    beforeAll(async () => {
      owner = new User(local, uid('owner'));
      admin = new User(local, uid('admin'));
      stranger = new User(local, uid('stranger'));
    });

    it('GET /workspaces lists only the workspaces the caller owns, role owner', async () => {
      const empty = await owner.call<{ workspaces: unknown[] }>('GET', '/workspaces');
      expect(empty.status, empty.text).toBe(200);
      expect(empty.body).toEqual({ workspaces: [] });
      const a = await owner.createWorkspace('Bakery');
      const b = await owner.createWorkspace('Atelier');
      await stranger.createWorkspace('Not yours');
      const r = await owner.call<{ workspaces: { workspaceId: string; name: string; role: string }[] }>('GET', '/workspaces');
      expect(r.status).toBe(200);
      expect(r.body.workspaces).toHaveLength(2);
      expect(r.body.workspaces).toEqual(
        expect.arrayContaining([
          { workspaceId: a, name: 'Bakery', role: 'owner' },
          { workspaceId: b, name: 'Atelier', role: 'owner' },
        ]),
      );
      expectError(await new Http(rt.url).call('GET', '/workspaces'), 401, 'UNAUTHENTICATED');
    });

    it('GET /hubs lists the hubs the caller administers, and nobody else\'s', async () => {
      const r = await admin.call<{ hubId: string }>('POST', '/hubs', { name: 'Agency' });
      hubId = r.body.hubId;
      await stranger.call('POST', '/hubs', { name: 'Other agency' });
      const hubs = await admin.call<{ hubs: unknown[] }>('GET', '/hubs');
      expect(hubs.status, hubs.text).toBe(200);
      expect(hubs.body).toEqual({ hubs: [{ hubId, name: 'Agency' }] });
      expect((await owner.call('GET', '/hubs')).body).toEqual({ hubs: [] });
    });

    it('a hub admin sees the client workspaces by name with red/amber/green counts in the current view (a passed deadline is expired before any scan)', async () => {
      // LinkedIn: a 365-day consent, amber in its last 14 days, red once it has passed.
      const put = async (name: string) => {
        const id = await owner.createWorkspace(name);
        const r = await owner.call('POST', `/hubs/${hubId}/workspaces`, { workspaceId: id });
        expect(r.status, r.text).toBe(204);
        return id;
      };
      ws.red = await put('Client red');
      const redAcct = uid('li-red');
      await local.account('linkedin', redAcct, 'Red Co');
      await owner.connected(ws.red, 'linkedin', redAcct);

      await local.advanceDays(10);
      ws.amber = await put('Client amber');
      const amberAcct = uid('li-amber');
      await local.account('linkedin', amberAcct, 'Amber Co');
      await owner.connected(ws.amber, 'linkedin', amberAcct);

      // Day 366 for the first (past its consent), day 356 of 365 for the second; no scan has run.
      await local.advanceDays(356);
      const xAcct = uid('x-green');
      await local.account('x', xAcct, 'Green X');
      await owner.connected(ws.amber, 'x', xAcct);
      ws.green = await put('Client green');

      const r = await admin.call<{ workspaces: { workspaceId: string; name: string; connections: Counts }[] }>('GET', `/hubs/${hubId}/workspaces`);
      expect(r.status, r.text).toBe(200);
      const byId = new Map(r.body.workspaces.map((w) => [w.workspaceId, w]));
      expect(r.body.workspaces).toHaveLength(3);
      expect(byId.get(ws.red)).toEqual({ workspaceId: ws.red, name: 'Client red', connections: { active: 0, expiring: 0, expired: 1 } });
      expect(byId.get(ws.amber)).toEqual({ workspaceId: ws.amber, name: 'Client amber', connections: { active: 1, expiring: 1, expired: 0 } });
      expect(byId.get(ws.green)).toEqual({ workspaceId: ws.green, name: 'Client green', connections: { active: 0, expiring: 0, expired: 0 } });
      // The same view as Connected Accounts.
      expect((await owner.connections(ws.red)).map((c) => c.status)).toEqual(['expired']);
      expect((await owner.connections(ws.amber)).map((c) => c.status).sort()).toEqual(['active', 'expiring']);
    });

    it('anyone but the hub admin is refused; an unknown hub is 404', async () => {
      expectError(await owner.call('GET', `/hubs/${hubId}/workspaces`), 403, 'FORBIDDEN');
      expectError(await stranger.call('GET', `/hubs/${hubId}/workspaces`), 403, 'FORBIDDEN');
      expectError(await admin.call('GET', `/hubs/${uid('hub')}/workspaces`), 404, 'NOT_FOUND');
      // The hub admin's own GET /workspaces lists what it owns, not its clients'.
      expect((await admin.call<{ workspaces: unknown[] }>('GET', '/workspaces')).body).toEqual({ workspaces: [] });
    });

    it('a workspace the hub admin creates in its hub is in both its lists', async () => {
      const mine = await admin.createWorkspace('In-house', hubId);
      expect((await admin.call<{ workspaces: unknown[] }>('GET', '/workspaces')).body).toEqual({ workspaces: [{ workspaceId: mine, name: 'In-house', role: 'owner' }] });
      const r = await admin.call<{ workspaces: { workspaceId: string; connections: Counts }[] }>('GET', `/hubs/${hubId}/workspaces`);
      expect(r.body.workspaces.find((w) => w.workspaceId === mine)).toEqual({ workspaceId: mine, name: 'In-house', connections: { active: 0, expiring: 0, expired: 0 } });
      expect(r.body.workspaces).toHaveLength(4);
    });

    it('the hub admin reads a client\'s posts only in its context; strangers never', async () => {
      expectError(await admin.call('GET', `/workspaces/${ws.red}/posts`), 403, 'WORKSPACE_CONTEXT_REQUIRED');
      const inContext = await admin.call<PostsPage>('GET', `/workspaces/${ws.red}/posts`, undefined, { 'x-workspace-context': ws.red });
      expect(inContext.status, inContext.text).toBe(200);
      expect(inContext.body).toEqual({ posts: [] });
      expectError(await stranger.call('GET', `/workspaces/${ws.red}/posts`), 403, 'FORBIDDEN');
      expectError(await stranger.call('GET', `/workspaces/${ws.red}/posts`, undefined, { 'x-workspace-context': ws.red }), 403, 'FORBIDDEN');
      expectError(await owner.call('GET', `/workspaces/${uid('ws')}/posts`), 404, 'NOT_FOUND');
    });
  });

  describe.sequential('GET /workspaces/{ws}/posts', () => {
    let owner: User;
    let ws: string;
    let x: string;
    let li: string;
    let xAcct: string;
    const scheduled: { postId: string; connectionId: string; publishAt: string; text: string }[] = [];

    beforeAll(async () => {
      owner = new User(local, uid('poster'));
      ws = await owner.createWorkspace('Posts');
      xAcct = uid('x');
      const liAcct = uid('li');
      await local.account('x', xAcct, 'X account');
      await local.account('linkedin', liAcct, 'LinkedIn page');
      x = await owner.connected(ws, 'x', xAcct);
      li = await owner.connected(ws, 'linkedin', liAcct);
      const now = await local.now();
      // Scheduled out of order, so the list's order is its own.
      for (const [days, conn, platform] of [[3, x, 'x'], [1, li, 'linkedin'], [5, x, 'x'], [2, x, 'x'], [4, li, 'linkedin']] as const) {
        const text = `in ${days} days ${uid('t')}`;
        const publishAt = inDays(now, days);
        scheduled.push({ postId: await owner.schedule(ws, conn, platform, text, publishAt), connectionId: conn, publishAt, text });
      }
    });

    it('lists every post, newest publishAt first, with its text and status', async () => {
      const { posts, nextToken } = await page(owner, ws);
      expect(nextToken).toBeUndefined();
      const expected = [...scheduled].sort((a, b) => b.publishAt.localeCompare(a.publishAt));
      expect(posts.map((p) => p.postId)).toEqual(expected.map((p) => p.postId));
      expect(posts[0]).toEqual({ postId: expected[0]!.postId, connectionId: expected[0]!.connectionId, text: expected[0]!.text, status: 'scheduled', publishAt: expected[0]!.publishAt, attempts: 0 });
    });

    it('filters by connectionId', async () => {
      const { posts } = await page(owner, ws, `?connectionId=${li}`);
      expect(posts.map((p) => p.publishAt)).toEqual(scheduled.filter((s) => s.connectionId === li).map((s) => s.publishAt).sort().reverse());
      expect(posts.every((p) => p.connectionId === li)).toBe(true);
      expect((await page(owner, ws, `?connectionId=${uid('none')}`)).posts).toEqual([]);
    });

    it('paginates with nextToken: every post once, in order', async () => {
      const first = await page(owner, ws, '?limit=2');
      expect(first.posts).toHaveLength(2);
      expect(typeof first.nextToken).toBe('string');
      const { posts, pages } = await allPages(owner, ws, '?limit=2');
      expect(pages).toBeGreaterThanOrEqual(3);
      const expected = [...scheduled].sort((a, b) => b.publishAt.localeCompare(a.publishAt));
      expect(posts.map((p) => p.postId)).toEqual(expected.map((p) => p.postId));
      // With a filter too.
      const xOnly = await allPages(owner, ws, `?connectionId=${x}&limit=1`);
      expect(xOnly.posts.map((p) => p.postId)).toEqual(expected.filter((p) => p.connectionId === x).map((p) => p.postId));
    });

    it('a forged or foreign nextToken is 400 VALIDATION_FAILED; so are an unknown status and a bad limit', async () => {
      const first = await page(owner, ws, '?limit=2');
      const token = first.nextToken ?? '';
      const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = [
        'not-a-token',
        '!!!',
        Buffer.from('{"a":1}').toString('base64url'),
        Buffer.from(JSON.stringify({ ...decoded, w: uid('ws') })).toString('base64url'),
        Buffer.from(JSON.stringify({ ...decoded, a: 'yesterday' })).toString('base64url'),
        Buffer.from(JSON.stringify({ ...decoded, extra: true })).toString('base64url'),
      ];
      for (const t of forged) {
        expectError(await owner.call('GET', `/workspaces/${ws}/posts?nextToken=${encodeURIComponent(t)}`), 400, 'VALIDATION_FAILED');
      }
      // A token continues the query it came from, not another one.
      expectError(await owner.call('GET', `/workspaces/${ws}/posts?connectionId=${x}&nextToken=${token}`), 400, 'VALIDATION_FAILED');
      const other = await owner.createWorkspace('Other');
      expectError(await owner.call('GET', `/workspaces/${other}/posts?nextToken=${token}`), 400, 'VALIDATION_FAILED');
      expectError(await owner.call('GET', `/workspaces/${ws}/posts?status=publishing`), 400, 'VALIDATION_FAILED');
      expectError(await owner.call('GET', `/workspaces/${ws}/posts?status=bogus`), 400, 'VALIDATION_FAILED');
      expectError(await owner.call('GET', `/workspaces/${ws}/posts?limit=0`), 400, 'VALIDATION_FAILED');
      expectError(await owner.call('GET', `/workspaces/${ws}/posts?limit=101`), 400, 'VALIDATION_FAILED');
    });

    it('a post that failed while its connection was down shows failed with lastError, then published with publishedAt after the reconnect', async () => {
      await local.revoke('x', xAcct, 'password_changed');
      const text = `retry me ${uid('x')}`;
      const postId = await owner.schedule(ws, x, 'x', text, PAST);
      await local.publishDue();
      await local.drain();

      const failed = (await page(owner, ws, '?status=failed')).posts;
      expect(failed.map((p) => p.postId)).toEqual([postId]);
      expect(failed[0]).toMatchObject({ status: 'failed', text, connectionId: x, lastError: { code: expect.any(String), message: expect.any(String) } });
      expect(failed[0]?.publishedAt).toBeUndefined();
      expect((await page(owner, ws, '?status=published')).posts).toEqual([]);

      const done = await owner.reconnect(ws, x, xAcct);
      expect(done.searchParams.get('result')).toBe('restored');
      await local.drain();

      expect((await page(owner, ws, '?status=failed')).posts).toEqual([]);
      const published = (await page(owner, ws, '?status=published')).posts;
      expect(published.map((p) => p.postId)).toEqual([postId]);
      const now = Date.parse(await local.now());
      expect(published[0]).toMatchObject({ status: 'published', text, platformPostId: expect.any(String), publishedAt: expect.stringMatching(ISO) });
      expect(Math.abs(Date.parse(published[0]!.publishedAt!) - now)).toBeLessThan(60_000);
      // Oldest of all (PAST): last in the full list; the scheduled ones are still scheduled.
      const all = (await page(owner, ws)).posts;
      expect(all.at(-1)?.postId).toBe(postId);
      expect((await page(owner, ws, '?status=scheduled')).posts).toHaveLength(scheduled.length);
    });
  });
});
