import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RECONCILE } from '../../../shared/config/messaging.js';
import { ApiClient } from '../../helpers/local-api.js';
import { npmStart, type Started } from '../../helpers/npm-start.js';

/**
 * `npm start -- --data DIR` killed with SIGKILL while a restore's retries are in flight (the restored
 * event on its way to the queues, the fan-out and the publishes not done): the next start on the same
 * folder finishes the work, from the queue journal or, for what never reached a queue, through the
 * reconciliation. Every failed post ends published exactly once and the expiry alert is resolved.
 */
const dir = mkdtempSync(join(tmpdir(), 'flamel-kill-'));
const running: ChildProcessWithoutNullStreams[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
  for (const p of running) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Started> {
  // A failed message (and the failed-posts email waiting for the rest of its burst) comes back after
  // 3 s, not the default 30: the test waits for it twice.
  const started = await npmStart(['--data', dir], { VISIBILITY_TIMEOUT_SECONDS: '3' });
  running.push(started.proc);
  return started;
}

async function kill9(proc: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
  running.splice(running.indexOf(proc), 1);
}

const TEXTS = Array.from({ length: 12 }, (_, i) => `Bake sale ${String(i).padStart(2, '0')}`);

describe('kill -9 during a restore\'s retries', { timeout: 180_000 }, () => {
  it('loses no post: after the restart each failed post is published exactly once and the expiry alert is resolved', async () => {
    const first = await start();
    const owner = await new ApiClient(first.url).login('kim', 'kim@example.com');
    const ws = await owner.createWorkspace('Kim Bakery');
    await owner.sandboxAccount('linkedin', 'kim-co', 'Kim Co');
    expect((await owner.connect(ws, 'linkedin', 'kim-co')).searchParams.get('result')).toBe('connected');
    const [connection] = await owner.connections(ws);
    const connectionId = connection!.connectionId;

    await owner.call('POST', '/sandbox/linkedin/accounts/kim-co/revoke', { reason: 'revoked' });
    await owner.call('POST', '/local/clock', { advanceDays: 8 });
    await owner.login('kim', 'kim@example.com');
    expect((await owner.call('POST', '/local/scan')).body).toMatchObject({ expired: 1 });
    const postIds: string[] = [];
    for (const text of TEXTS) {
      const r = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId, text, publishAt: '2020-01-01T00:00:00Z' });
      expect(r.status).toBe(201);
      postIds.push(r.body.postId);
    }
    await owner.call('POST', '/local/publish-due');
    for (const id of postIds) expect((await owner.call<{ status: string }>('GET', `/workspaces/${ws}/posts/${id}`)).body.status).toBe('failed');

    // The reconnect is answered; the restore's retries start; the process dies.
    expect((await owner.reconnect(ws, connectionId, 'kim-co')).searchParams.get('result')).toBe('restored');
    await kill9(first.proc);

    const second = await start();
    const again = new ApiClient(second.url);
    // Past the reconciliation's settling time: whatever the journal did not hold, it picks up.
    await again.call('POST', '/local/clock', { advanceDays: (RECONCILE.settleMinutes + RECONCILE.everyMinutes) / 1440 });
    await again.login('kim', 'kim@example.com');
    const statuses = async () => Promise.all(postIds.map(async (id) => (await again.call<{ status: string }>('GET', `/workspaces/${ws}/posts/${id}`)).body.status));
    for (let i = 0; (await statuses()).some((s) => s !== 'published'); i++) {
      if (i > 240) throw new Error(`posts still not published: ${JSON.stringify(await statuses())}`);
      await sleep(500);
    }
    expect((await again.call('POST', '/local/drain')).status).toBe(200);
    const published = (await again.call<{ posts: { text: string }[] }>('GET', '/sandbox/linkedin/posts')).body.posts.map((p) => p.text).sort();
    expect(published).toEqual(TEXTS);
    expect((await again.connections(ws))[0]).toMatchObject({ status: 'active' });
    for (let i = 0; ; i++) {
      const alerts = (await again.call<{ alerts: { kind: string; connectionId?: string; resolvedAt?: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
      const open = alerts.filter((a) => a.connectionId === connectionId && a.kind === 'connection_expired' && !a.resolvedAt);
      expect(alerts.some((a) => a.kind === 'connection_expired')).toBe(true);
      if (open.length === 0) break;
      if (i > 60) throw new Error('the expiry alert stayed open');
      await sleep(500);
    }
    await kill9(second.proc);
  });
});
