import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { completeOAuth } from '../../../shared/use-cases/complete-oauth.js';
import { startConnect, startReconnect, type StartedSignIn } from '../../../shared/use-cases/connections.js';
import { openTokens } from '../../../shared/use-cases/tokens.js';
import { fakeDeps, type Fakes } from '../../fakes/deps.js';
import { OWNER, seedConnection, seedPost, seedWorkspace, stored } from './seed.js';

/** What the browser brings back to the callback: the state of the URL and its binding cookie. */
function callbackOf(started: StartedSignIn, extra: { code?: string; error?: string; browserSecret?: string } = {}) {
  const state = new URL(started.authorizeUrl).searchParams.get('state') ?? '';
  return { state, code: 'the-code', browserSecret: started.browserBinding.secret, ...extra };
}

async function connected(f: Fakes): Promise<string> {
  const started = await startConnect(f.deps, OWNER, 'ws-1', 'linkedin');
  return (await completeOAuth(f.deps, 'linkedin', callbackOf(started))).connectionId;
}

describe('finishing a connect', () => {
  it('creates an active connection with sealed tokens and announces it', async () => {
    // Prepare
    const f = fakeDeps();
    await seedWorkspace(f);
    // Act
    const connectionId = await connected(f);
    // Assess
    const c = await stored(f, connectionId);
    expect(c).toMatchObject({ status: 'active', platform: 'linkedin', externalAccountId: 'acct-1', displayName: 'Acme Page', connectedBy: 'ana' });
    expect(JSON.stringify(c)).not.toContain('linkedin-access-1');
    expect(await openTokens(f.cipher, c)).toMatchObject({ accessToken: 'linkedin-access-1' });
    expect(f.bus.of(EVENT_TYPES.connected)).toHaveLength(1);
  });

  it('the same account connected twice is one connection', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    const a = await connected(f);
    const b = await connected(f);
    expect(b).toBe(a);
    expect(await f.store.connections.listByWorkspace('ws-1')).toHaveLength(1);
  });

  it('without the admin role: refused, nothing created', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    f.platforms.linkedin.account = { ...f.platforms.linkedin.account, isAdmin: false };
    const started = await startConnect(f.deps, OWNER, 'ws-1', 'linkedin');
    await expect(completeOAuth(f.deps, 'linkedin', callbackOf(started))).rejects.toMatchObject({ code: 'ADMIN_ROLE_REQUIRED', message: expect.stringMatching(/Company Page/) });
    expect(await f.store.connections.listByWorkspace('ws-1')).toEqual([]);
  });
});

describe('the state', () => {
  it('is single use, expires after 10 minutes, and works only in the browser that started it', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    const started = await startConnect(f.deps, OWNER, 'ws-1', 'linkedin');
    await expect(completeOAuth(f.deps, 'linkedin', callbackOf(started, { browserSecret: 'another-browser' }))).rejects.toMatchObject({ code: 'STATE_INVALID' });
    await completeOAuth(f.deps, 'linkedin', callbackOf(started));
    await expect(completeOAuth(f.deps, 'linkedin', callbackOf(started))).rejects.toMatchObject({ code: 'STATE_USED' });
    const late = await startConnect(f.deps, OWNER, 'ws-1', 'linkedin');
    f.clock.advanceMinutes(11);
    await expect(completeOAuth(f.deps, 'linkedin', callbackOf(late))).rejects.toMatchObject({ code: 'STATE_EXPIRED' });
    await expect(completeOAuth(f.deps, 'facebook', callbackOf(late))).rejects.toMatchObject({ code: 'STATE_INVALID' });
  });

  it('a cancelled permissions screen changes nothing (ACCESS_DENIED)', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    const started = await startConnect(f.deps, OWNER, 'ws-1', 'linkedin');
    await expect(completeOAuth(f.deps, 'linkedin', callbackOf(started, { error: 'user_cancelled_authorize', code: undefined }))).rejects.toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringMatching(/cancelled/) });
    expect(f.platforms.linkedin.calls).toEqual([]);
  });

  it('a starter who lost access to the workspace mid-sign-in is refused (FORBIDDEN)', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    const started = await startConnect(f.deps, { userId: 'mallory' }, 'ws-1', 'linkedin');
    await expect(completeOAuth(f.deps, 'linkedin', callbackOf(started))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('finishing a reconnect', () => {
  it('restores an expired connection, closes its episode and announces the restore', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    await seedConnection(f, { status: 'expired', reason: 'revoked', episodeId: 'ep-1', episodeAnnounced: true });
    const started = await startReconnect(f.deps, OWNER, 'ws-1', 'conn-1');
    expect(await completeOAuth(f.deps, 'linkedin', callbackOf(started))).toEqual({ result: 'restored', connectionId: 'conn-1' });
    expect(await stored(f)).toMatchObject({ status: 'active', version: 2 });
    expect(f.bus.of(EVENT_TYPES.restored)).toEqual([{ type: EVENT_TYPES.restored, detail: expect.objectContaining({ episodeId: 'ep-1' }) }]);
  });

  it('signed in as another account: WRONG_ACCOUNT, nothing changed', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    const before = await seedConnection(f, { status: 'expired', reason: 'revoked', episodeId: 'ep-1' });
    f.platforms.linkedin.account = { externalAccountId: 'someone-else', displayName: 'Other Co', isAdmin: true };
    const started = await startReconnect(f.deps, OWNER, 'ws-1', 'conn-1');
    await expect(completeOAuth(f.deps, 'linkedin', callbackOf(started))).rejects.toMatchObject({ code: 'WRONG_ACCOUNT', message: expect.stringMatching(/"Other Co".*"Acme Page"/) });
    expect(await stored(f)).toEqual(before);
  });

  it('a removed account added afresh takes its failed posts along', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    await seedConnection(f, { connectionId: 'old', status: 'removed' });
    await seedPost(f, { connectionId: 'old', status: 'failed' });
    const connectionId = await connected(f);
    expect(connectionId).not.toBe('old');
    expect((await f.store.posts.get('ws-1', 'post-1'))?.connectionId).toBe(connectionId);
  });
});
