import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { startScanRun } from '../../../shared/use-cases/scan-run.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * `npm start -- --data DIR`: the README promises that state survives a restart and that a stop loses
 * nothing acknowledged. So after a stop and a start on the same folder, the connections still work
 * (the sandbox platforms remember the tokens they issued), the moved clock is where it was, the posts
 * publish, and a message still queued at the stop is handled after the start.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dirs: string[] = [];
const runtimes: LocalRuntime[] = [];

afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'flamel-data-'));
  dirs.push(d);
  return d;
}

async function start(dir: string, opts: Parameters<typeof startTestRuntime>[0] = {}): Promise<LocalRuntime> {
  const rt = await startTestRuntime({ dataDir: dir, ...opts });
  runtimes.push(rt);
  return rt;
}

async function stop(rt: LocalRuntime): Promise<void> {
  await rt.stop();
  runtimes.splice(runtimes.indexOf(rt), 1);
}

describe('a restart with a data folder', { timeout: 60_000 }, () => {
  it('keeps connections working (tokens still open), the moved clock and the posts', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const owner = await new ApiClient(first.url).login('ana');
    const ws = await owner.createWorkspace('Acme');
    const ids: Record<string, string> = {};
    for (const platform of ['linkedin', 'x', 'facebook'] as const) {
      await owner.sandboxAccount(platform, `acme-${platform}`, `Acme ${platform}`);
      expect((await owner.connect(ws, platform, `acme-${platform}`)).searchParams.get('result')).toBe('connected');
    }
    for (const c of await owner.connections(ws)) ids[c.platform] = c.connectionId;
    const now = Date.parse(((await owner.call<{ now: string }>('POST', '/local/clock', { advanceDays: 2 })).body).now);
    const publishAt = new Date(now + 3_600_000).toISOString();
    await owner.login('ana'); // the session aged with the clock
    const post = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId: ids.linkedin, text: 'After the restart', publishAt });
    expect(post.status).toBe(201);
    await stop(first);

    const second = await start(dir);
    const clock = await new ApiClient(second.url).call<{ now: string }>('GET', '/local/clock');
    expect(Date.parse(clock.body.now)).toBeGreaterThanOrEqual(now);
    const again = await new ApiClient(second.url).login('ana');
    expect((await again.connections(ws)).map((c) => [c.platform, c.status]).sort()).toEqual([
      ['facebook', 'active'],
      ['linkedin', 'active'],
      ['x', 'active'],
    ]);
    // A day later the scan checks them with the tokens issued before the restart.
    await again.call('POST', '/local/clock', { advanceDays: 1 });
    const scan = await again.call<{ checked: number; expired: number }>('POST', '/local/scan');
    expect(scan.body).toMatchObject({ checked: 3, expired: 0 });
    await again.call('POST', '/local/publish-due');
    await again.login('ana');
    expect((await again.call(`GET`, `/workspaces/${ws}/posts/${post.body.postId}`)).body).toMatchObject({ status: 'published' });
    const published = await again.call<{ posts: { text: string }[] }>('GET', '/sandbox/linkedin/posts');
    expect(published.body.posts.map((p) => p.text)).toEqual(['After the restart']);
    expect((await again.connections(ws)).every((c) => c.status === 'active')).toBe(true);
    await stop(second);
  });

  it('hands a message still queued at the stop to its handler after the start', async () => {
    const dir = dataDir();
    let alertsCalls = 0;
    // The alerts function fails while the first runtime runs: its message stays queued (hidden) at the stop.
    const first = await start(dir, {
      visibilityTimeoutSeconds: 30,
      wrapQueueHandler: (consumer, handler) =>
        consumer === 'alerts'
          ? async (event) => {
              alertsCalls += 1;
              return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
            }
          : handler,
    });
    const owner = await new ApiClient(first.url).login('ben');
    const ws = await owner.createWorkspace('Bakery');
    await owner.sandboxAccount('x', 'bakery', 'Bakery');
    await owner.connect(ws, 'x', 'bakery');
    await owner.call('POST', '/sandbox/x/accounts/bakery/revoke', { reason: 'revoked' });
    await owner.call('POST', '/local/clock', { advanceDays: 2 });
    await startScanRun(first.deps);
    for (let i = 0; alertsCalls === 0; i++) {
      if (i > 400) throw new Error('the alerts function never got the expiry');
      await sleep(25);
    }
    await stop(first);

    const second = await start(dir);
    const client = new ApiClient(second.url);
    expect((await client.call('POST', '/local/drain')).status).toBe(200);
    const outbox = await client.call<{ emails: { to: string; subject: string }[] }>('GET', '/local/outbox');
    expect(outbox.body.emails.map((e) => e.to)).toEqual(['ben@example.com']);
    expect(outbox.body.emails[0]?.subject).toContain('Bakery');
    await stop(second);
  });
});
