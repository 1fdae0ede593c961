import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import type { PlatformAdapter } from '../../../shared/ports/platform.js';
import type { Deps } from '../../../shared/use-cases/deps.js';
import { publishPost } from '../../../shared/use-cases/publish-post.js';
import { startWithConnectedAccount } from '../../helpers/connected-account.js';

let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

/** The runtime's X adapter, whose first publish goes out with an access token X no longer takes (a bare 401). */
function agedOnce(real: PlatformAdapter): PlatformAdapter {
  let calls = 0;
  return {
    platform: real.platform,
    usesPkce: real.usesPkce,
    canRefresh: real.canRefresh,
    buildAuthorizeUrl: (r) => real.buildAuthorizeUrl(r),
    exchangeCode: (i) => real.exchangeCode(i),
    refresh: (t) => real.refresh(t),
    identify: (t, e) => real.identify(t, e),
    checkAccess: (t, e) => real.checkAccess(t, e),
    classifyError: (r) => real.classifyError(r),
    publish: (t, r) => real.publish(calls++ === 0 ? { ...t, accessToken: 'aged-before-its-time' } : t, r),
  };
}

async function setUp(account: string) {
  const s = await startWithConnectedAccount({ userId: 'x-owner', email: 'owner@x.test', workspace: 'X Bakery', platform: 'x', account, accountName: 'X Bakery' });
  rt = s.rt;
  const deps: Deps = { ...s.rt.deps, platforms: { ...s.rt.deps.platforms, x: agedOnce(s.rt.deps.platforms.x) } };
  const publish = (postId: string) => publishPost(deps, { workspaceId: s.ws, postId, attemptKey: 'scheduled', retry: false });
  return { ...s, publish };
}

describe('X refuses the access token on publish (401)', () => {
  it('refreshes once, publishes with the new tokens, and keeps the rotated refresh token for next time', async () => {
    const s = await setUp('x-aged');
    const postId = await s.schedule('Fresh bread at 8');
    expect(await s.publish(postId)).toMatchObject({ outcome: 'published' });
    expect(await s.published()).toEqual(['Fresh bread at 8']);
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'active' });

    // X spent the old refresh token on that refresh: the next refresh (the daily scan's) only works
    // with the rotated one, so the connection stays active only if it was saved.
    s.rt.clock.advanceDays(1);
    await s.owner.login('x-owner', 'owner@x.test');
    await s.owner.call('POST', '/local/scan');
    await s.drain();
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'active' });
    expect(await s.outbox()).toEqual([]);
  }, 60_000);

  it('a refused refresh is what expires the connection (revoked), and the post waits for the reconnect', async () => {
    const s = await setUp('x-revoked');
    await s.owner.call('POST', `/sandbox/x/accounts/${s.account}/revoke`, { reason: 'password_changed' });
    const postId = await s.schedule('Rye on Friday');
    expect(await s.publish(postId)).toMatchObject({ outcome: 'failed_waiting_for_reconnect' });
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'expired', reason: 'revoked' });
    expect((await s.post(postId)).status).toBe('failed');
  }, 60_000);
});
