import { describe, expect, it } from 'vitest';
import { signInStarted } from '../../../functions/lib/http.js';
import { clearedBindingCookie, cookieOf } from '../../../functions/lib/oauth-cookie.js';
import { restoreConnection, type Connection } from '../../../shared/domain/connection.js';
import { bindingCookieName, browserSecretMatches, newBrowserBinding } from '../../../shared/domain/oauth-secrets.js';

const config = (base: string) => ({ dashboardOrigin: base, apiBaseUrl: base });

describe('browser binding of an OAuth sign-in', () => {
  it('one cookie per state, a random secret of which only the hash is kept, compared exactly', () => {
    const a = newBrowserBinding('state-a');
    const b = newBrowserBinding('state-b');
    expect(a.cookieName).toBe(bindingCookieName('state-a'));
    expect(a.cookieName).not.toBe(b.cookieName);
    expect(a.cookieName).toMatch(/^flamel_oauth_[A-Za-z0-9_-]{16}$/);
    expect(a.cookieName).not.toContain('state-a');
    expect(a.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.secretHash).not.toBe(a.secret);
    expect(newBrowserBinding('state-a').secret).not.toBe(a.secret);
    expect(browserSecretMatches(a.secret, a.secretHash)).toBe(true);
    expect(browserSecretMatches(b.secret, a.secretHash)).toBe(false);
    expect(browserSecretMatches(`${a.secret}x`, a.secretHash)).toBe(false);
    expect(browserSecretMatches(undefined, a.secretHash)).toBe(false);
    expect(browserSecretMatches('', a.secretHash)).toBe(false);
    // A state from before the binding existed carries no hash: never completed.
    expect(browserSecretMatches(a.secret, undefined)).toBe(false);
  });

  it('the cookie is HttpOnly, SameSite=Lax, limited to the callback path, lives as long as the state; Secure over https only', () => {
    const binding = newBrowserBinding('s');
    const started = { authorizeUrl: 'https://www.linkedin.com/oauth/v2/authorization?state=s', platform: 'linkedin' as const, browserBinding: binding };
    const aws = signInStarted(config('https://connections.api.flamel.ai'), 201, started);
    expect(aws.statusCode).toBe(201);
    expect(JSON.parse(aws.body!)).toEqual({ authorizeUrl: started.authorizeUrl });
    expect(aws.body).not.toContain(binding.secret);
    expect(aws.cookies).toEqual([`${binding.cookieName}=${binding.secret}; Path=/oauth/linkedin/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure`]);
    const local = signInStarted(config('http://127.0.0.1:3000'), 200, started);
    expect(local.cookies).toEqual([`${binding.cookieName}=${binding.secret}; Path=/oauth/linkedin/callback; Max-Age=600; HttpOnly; SameSite=Lax`]);
    expect(clearedBindingCookie(config('https://api.example.test/v1'), 'x', binding.cookieName)).toBe(
      `${binding.cookieName}=; Path=/v1/oauth/x/callback; Max-Age=0; HttpOnly; SameSite=Lax; Secure`,
    );
  });

  it('reads a cookie from the payload v2 `cookies` list by exact name', () => {
    const event = { cookies: ['flamel_oauth_abc=one', 'other=two', 'flamel_oauth_abcd=three'] };
    expect(cookieOf(event, 'flamel_oauth_abc')).toBe('one');
    expect(cookieOf(event, 'flamel_oauth_abcd')).toBe('three');
    expect(cookieOf(event, 'flamel_oauth_ab')).toBeUndefined();
    expect(cookieOf({}, 'x')).toBeUndefined();
  });
});

describe('a removed connection stays removed', () => {
  it('a restore of a removed connection changes nothing', () => {
    const removed: Connection = {
      workspaceId: 'ws',
      connectionId: 'c',
      platform: 'facebook',
      externalAccountId: 'p',
      displayName: 'Page',
      status: 'removed',
      transientFailures: 0,
      version: 3,
      connectedAt: '2026-01-01T00:00:00.000Z',
      connectedBy: 'u',
      removedAt: '2026-01-02T00:00:00.000Z',
    };
    const sealed = { ciphertext: 'x', iv: 'x', tag: 'x', encryptedDataKey: 'x', keyId: 'k' };
    expect(restoreConnection(removed, sealed, {}, 'Page', new Date('2026-01-03T00:00:00Z'))).toBeUndefined();
  });
});
