import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { guidanceFor } from '../../../shared/domain/guidance.js';
import { hashState } from '../../../shared/domain/oauth-secrets.js';
import { listConnectedAccounts, removeConnection, startConnect, startReconnect } from '../../../shared/use-cases/connections.js';
import { fakeDeps } from '../../fakes/deps.js';
import { OWNER, seedConnection, seedPost, seedWorkspace, stored } from './seed.js';

describe('Connected Accounts', () => {
  it('shows an expired row red, with the reason, its guidance, the code to quote and the posts at risk', async () => {
    // Prepare
    const f = fakeDeps();
    await seedWorkspace(f);
    await seedConnection(f, { connectionId: 'ok', connectedAt: '2026-05-01T00:00:00.000Z' });
    await seedConnection(f, { connectionId: 'down', platform: 'facebook', status: 'expired', reason: 'password_changed', platformMessage: 'Session invalidated', episodeId: 'ep-1' });
    await seedConnection(f, { connectionId: 'gone', status: 'removed' });
    await seedPost(f, { postId: 'p-soon', connectionId: 'down', publishAt: '2026-06-02T09:00:00.000Z' });
    await seedPost(f, { postId: 'p-far', connectionId: 'down', publishAt: '2026-07-02T09:00:00.000Z' });
    // Act
    const rows = await listConnectedAccounts(f.deps, 'ws-1');
    // Assess: oldest first, removed left out
    expect(rows.map((r) => [r.connectionId, r.badge])).toEqual([
      ['ok', 'green'],
      ['down', 'red'],
    ]);
    expect(rows[1]).toMatchObject({
      status: 'expired',
      reason: 'password_changed',
      errorCode: expect.stringMatching(/^[A-Z_]+/),
      platformMessage: 'Session invalidated',
      guidance: guidanceFor('facebook', 'password_changed'),
      postsAtRisk: { count: 1, nextPublishAt: '2026-06-02T09:00:00.000Z' },
    });
    expect(rows[0]).not.toHaveProperty('postsAtRisk');
  });

  it('a deadline already past shows red before the scan has looked (token_expired)', async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'linkedin', consentExpiresAt: '2026-05-31T00:00:00.000Z' });
    const [row] = await listConnectedAccounts(f.deps, 'ws-1');
    expect(row).toMatchObject({ status: 'expired', badge: 'red', reason: 'token_expired' });
  });

  it('during a platform outage every row of it says so', async () => {
    const f = fakeDeps();
    await seedConnection(f, { platform: 'x' });
    await f.store.platformHealth.put({ platform: 'x', suspectedOutageSince: f.clock.iso(), updatedAt: f.clock.iso() });
    const [row] = await listConnectedAccounts(f.deps, 'ws-1');
    expect(row).toMatchObject({ platformOutageSuspected: true, platformStatus: 'outage', guidance: expect.stringMatching(/outage/i) });
  });
});

describe('starting a sign-in', () => {
  it('stores only the hash of the state, bound to the platform, workspace, actor and the starting browser', async () => {
    // Prepare
    const f = fakeDeps();
    await seedWorkspace(f);
    // Act
    const started = await startConnect(f.deps, OWNER, 'ws-1', 'x');
    // Assess
    const url = new URL(started.authorizeUrl);
    const state = url.searchParams.get('state') ?? '';
    expect(url.searchParams.get('redirect_uri')).toBe('https://api.flamel.test/oauth/x/callback');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(await f.store.oauthStates.get(state)).toBeUndefined();
    expect(await f.store.oauthStates.get(hashState(state))).toMatchObject({
      platform: 'x',
      workspaceId: 'ws-1',
      mode: 'connect',
      actorUserId: 'ana',
      browserSecretHash: started.browserBinding.secretHash,
      expiresAt: '2026-06-01T09:10:00.000Z',
    });
  });

  it('a reconnect of a removed or unknown connection is NOT_FOUND', async () => {
    const f = fakeDeps();
    await seedConnection(f, { status: 'removed' });
    await expect(startReconnect(f.deps, OWNER, 'ws-1', 'conn-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(startReconnect(f.deps, OWNER, 'ws-1', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('removing a connection', () => {
  it('destroys its tokens, frees the account, resolves its alerts and says so once', async () => {
    // Prepare
    const f = fakeDeps();
    await seedConnection(f);
    await f.store.connections.claimAccount({ workspaceId: 'ws-1', platform: 'linkedin', externalAccountId: 'acct-1', connectionId: 'conn-1', claimedAt: f.clock.iso() });
    await f.store.alerts.putIfAbsent({ workspaceId: 'ws-1', alertId: 'a1', kind: 'connection_expired', connectionId: 'conn-1', message: 'm', createdAt: f.clock.iso() });
    // Act
    await removeConnection(f.deps, 'ws-1', 'conn-1');
    await removeConnection(f.deps, 'ws-1', 'conn-1');
    // Assess
    const c = await stored(f);
    expect(c).toMatchObject({ status: 'removed', removedAt: f.clock.iso() });
    expect(c.tokens).toBeUndefined();
    expect(c.nextCheckAt).toBeUndefined();
    expect((await f.store.alerts.list('ws-1'))[0]?.resolvedAt).toBe(f.clock.iso());
    expect(await f.store.connections.claimAccount({ workspaceId: 'ws-1', platform: 'linkedin', externalAccountId: 'acct-1', connectionId: 'new', claimedAt: f.clock.iso() })).toBeUndefined();
    expect(f.bus.of(EVENT_TYPES.removed)).toHaveLength(1);
  });

  it('an unknown connection is NOT_FOUND', async () => {
    const f = fakeDeps();
    await expect(removeConnection(f.deps, 'ws-1', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
