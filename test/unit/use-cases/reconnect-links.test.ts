import { describe, expect, it } from 'vitest';
import { createReconnectLink, openReconnectLink, revokeReconnectLinks, startedByLink } from '../../../shared/use-cases/reconnect-links.js';
import { fakeDeps, type Fakes } from '../../fakes/deps.js';
import { OWNER, seedConnection, seedWorkspace } from './seed.js';

async function prepared(f: Fakes) {
  await seedWorkspace(f);
  await seedConnection(f, { status: 'expired', reason: 'admin_role_lost', episodeId: 'e' });
  return (await f.store.workspaces.get('ws-1'))!;
}
const tokenOf = (url: string) => url.split('/reconnect/')[1] ?? '';

describe('reconnect links', () => {
  it('a link emailed to the real admin opens once and starts a reconnect as its creator', async () => {
    // Prepare
    const f = fakeDeps();
    const ws = await prepared(f);
    // Act
    const link = await createReconnectLink(f.deps, OWNER, ws, 'conn-1', 'admin@client.example');
    const opened = await openReconnectLink(f.deps, tokenOf(link.url));
    const again = await openReconnectLink(f.deps, tokenOf(link.url));
    // Assess
    expect(link.url).toMatch(/^https:\/\/api\.flamel\.test\/reconnect\/[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAt).toBe('2026-06-04T09:00:00.000Z');
    expect(f.mailer.to('admin@client.example')).toHaveLength(1);
    expect(f.mailer.sent[0]?.text).toContain(link.url);
    expect(opened.ok).toBe(true);
    const state = opened.ok ? new URL(opened.started.authorizeUrl).searchParams.get('state') ?? undefined : undefined;
    expect(await startedByLink(f.deps, state)).toBe(true);
    expect(again).toEqual({ ok: false, code: 'LINK_USED', platform: 'linkedin' });
  });

  it('only the newest link works; a revoke ends them all; after 72 hours it is expired', async () => {
    const f = fakeDeps();
    const ws = await prepared(f);
    const older = await createReconnectLink(f.deps, OWNER, ws, 'conn-1');
    const newer = await createReconnectLink(f.deps, OWNER, ws, 'conn-1');
    expect((await openReconnectLink(f.deps, tokenOf(older.url))).ok).toBe(false);
    await revokeReconnectLinks(f.deps, OWNER, ws, 'conn-1');
    expect(await openReconnectLink(f.deps, tokenOf(newer.url))).toMatchObject({ ok: false, code: 'LINK_REVOKED' });
    const late = await createReconnectLink(f.deps, OWNER, ws, 'conn-1');
    f.clock.advanceDays(3.01);
    expect(await openReconnectLink(f.deps, tokenOf(late.url))).toMatchObject({ ok: false, code: 'LINK_EXPIRED' });
  });

  it('a made-up token is LINK_INVALID without a lookup of anything', async () => {
    const f = fakeDeps();
    expect(await openReconnectLink(f.deps, 'short')).toEqual({ ok: false, code: 'LINK_INVALID' });
    expect(await openReconnectLink(f.deps, 'a'.repeat(43))).toEqual({ ok: false, code: 'LINK_INVALID' });
  });

  it('a link to a removed connection cannot be made', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    await seedConnection(f, { status: 'removed' });
    await expect(createReconnectLink(f.deps, OWNER, (await f.store.workspaces.get('ws-1'))!, 'conn-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
