import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { BLAST_RADIUS } from '../../../shared/domain/platform-status.js';
import { ApiClient, startTestRuntime, type ConnectionRow } from '../../helpers/local-api.js';

/**
 * Platform incidents (contract additions of 2026-11-30): when a platform refuses Flamel's app
 * itself, or one run sees an implausible share of its connections drop at once, nothing expires,
 * no owner is emailed, posts wait, the dashboard says so once per platform, and it clears by itself.
 */
let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

type Row = ConnectionRow & { platformStatus?: string };
type Status = { platforms: { platform: string; status: string; since?: string; message?: string }[] };

async function setup(accounts: number) {
  rt = await startTestRuntime();
  const owner = await new ApiClient(rt.url).login('incident-owner', 'owner@incident.test');
  const ws = await owner.createWorkspace('Incidents');
  for (let i = 0; i < accounts; i++) {
    await owner.sandboxAccount('linkedin', `li-incident-${i}`, `Incident Co ${i}`);
    expect((await owner.connect(ws, 'linkedin', `li-incident-${i}`)).searchParams.get('result')).toBe('connected');
  }
  const nextDay = async () => {
    rt!.clock.advanceDays(1);
    await owner.login('incident-owner', 'owner@incident.test');
    const run = (await owner.call<{ checked: number; expired: number }>('POST', '/local/scan')).body;
    await owner.call('POST', '/local/drain');
    return run;
  };
  return { owner, ws, nextDay, rt };
}

describe('an app-level refusal', () => {
  it('expires nothing, emails no one, holds posts, shows one status per platform, and clears by itself', async () => {
    const { owner, ws, nextDay } = await setup(3);
    const [first] = await owner.connections(ws);
    expect((await owner.call('POST', '/sandbox/linkedin/app', { state: 'permission_revoked' })).status).toBe(200);
    const post = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId: first!.connectionId, text: 'During the incident', publishAt: '2020-01-01T00:00:00Z' });

    const run = await nextDay();
    expect(run.checked).toBe(3);
    expect(run.expired).toBe(0);
    await owner.call('POST', '/local/publish-due');
    await owner.call('POST', '/local/drain');

    const rows = (await owner.call<{ connections: Row[] }>('GET', `/workspaces/${ws}/connections`)).body.connections;
    expect(rows.map((r) => [r.status, r.platformStatus])).toEqual([
      ['active', 'integration_problem'],
      ['active', 'integration_problem'],
      ['active', 'integration_problem'],
    ]);
    const status = (await owner.call<Status>('GET', '/platform-status')).body.platforms;
    expect(status.find((p) => p.platform === 'linkedin')).toMatchObject({ status: 'integration_problem', message: expect.stringMatching(/paused on our side; nothing to do/) });
    expect(status.filter((p) => p.status !== 'ok').map((p) => p.platform)).toEqual(['linkedin']);
    expect((await owner.call<{ emails: unknown[] }>('GET', '/local/outbox')).body.emails).toEqual([]);
    expect((await owner.call<{ alerts: unknown[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts).toEqual([]);
    const waiting = await owner.call<{ status: string; lastError?: { code: string } }>('GET', `/workspaces/${ws}/posts/${post.body.postId}`);
    expect(waiting.body).toMatchObject({ status: 'scheduled', lastError: { code: 'INTEGRATION_PROBLEM' } });

    // Fixed on our side: the next check clears it, and the waiting post goes out, once, with no reconnect.
    await owner.call('POST', '/sandbox/linkedin/app', { state: 'ok' });
    await nextDay();
    await owner.call('POST', '/local/publish-due');
    await owner.call('POST', '/local/drain');
    expect((await owner.call<Status>('GET', '/platform-status')).body.platforms.every((p) => p.status === 'ok')).toBe(true);
    const after = (await owner.call<{ connections: Row[] }>('GET', `/workspaces/${ws}/connections`)).body.connections;
    expect(after.every((r) => r.status === 'active' && r.platformStatus === undefined)).toBe(true);
    const published = (await owner.call<{ posts: { text: string }[] }>('GET', '/sandbox/linkedin/posts')).body.posts.filter((p) => p.text === 'During the incident');
    expect(published).toHaveLength(1);
  }, 120_000);

  it('needs a signed-in user', async () => {
    rt = await startTestRuntime();
    expect((await new ApiClient(rt.url).call('GET', '/platform-status')).status).toBe(401);
  });
});

describe('the blast-radius guard', () => {
  it(`expires at most ${BLAST_RADIUS.minExpiries - 1} connections of a platform when most of them drop at once for the same reason, and holds the rest`, async () => {
    const accounts = BLAST_RADIUS.minExpiries + 4;
    const { owner, ws, nextDay } = await setup(accounts);
    for (let i = 0; i < accounts; i++) await owner.call('POST', `/sandbox/linkedin/accounts/li-incident-${i}/revoke`, { reason: 'revoked' });
    const run = await nextDay();
    expect(run.checked).toBe(accounts);
    expect(run.expired).toBeLessThanOrEqual(BLAST_RADIUS.minExpiries - 1);
    const rows = (await owner.call<{ connections: Row[] }>('GET', `/workspaces/${ws}/connections`)).body.connections;
    expect(rows.filter((r) => r.status === 'expired').length).toBe(run.expired);
    expect(rows.filter((r) => r.status === 'active').every((r) => r.platformStatus === 'integration_problem')).toBe(true);
    const status = (await owner.call<Status>('GET', '/platform-status')).body.platforms.find((p) => p.platform === 'linkedin');
    expect(status?.status).toBe('integration_problem');
    const emails = (await owner.call<{ emails: unknown[] }>('GET', '/local/outbox')).body.emails;
    expect(emails.length).toBe(run.expired);
  }, 120_000);
});
