import { describe, expect, it } from 'vitest';
import { scrubSecrets, secretReplacer } from '../../shared/adapters/logger.js';

describe('log redaction (issue 10, point 11)', () => {
  it('scrubs OAuth values inside strings, whatever key holds them', () => {
    const event = {
      rawQueryString: 'code=AQDx9-secret_code&state=st4te%2Fvalue&error=access_denied',
      requestContext: { http: { path: '/oauth/x/callback' } },
      note: 'POST body grant_type=authorization_code&code=c0de&code_verifier=v3rifier&client_secret=cs',
      answer: '{"access_token":"EAAB-live","token_type":"bearer","refresh_token":"rt-live"}',
      header: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2ln',
      jwt: 'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2ln ended',
    };
    const out = JSON.stringify(event, secretReplacer);
    for (const secret of ['AQDx9-secret_code', 'st4te', 'c0de', 'v3rifier', '"cs"', 'EAAB-live', 'rt-live', 'eyJhbGciOiJIUzI1NiJ9']) expect(out).not.toContain(secret);
    // What helps debugging stays.
    expect(out).toContain('error=access_denied');
    expect(out).toContain('/oauth/x/callback');
    expect(out).toContain('token_type');
  });

  it('blanks cookies, authorization headers and token-named keys; scrubs error messages', () => {
    const out = JSON.stringify(
      { headers: { cookie: 'flamel_oauth=abc123', Authorization: 'Basic dXNlcjpw' }, cookies: ['flamel_oauth=abc123'], accessToken: 'tok', err: new Error('exchange failed for code=abc999') },
      secretReplacer,
    );
    expect(out).not.toMatch(/abc123|dXNlcjpw|"tok"|abc999/);
    expect(out).toContain('exchange failed for code=[REDACTED]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'connection expired: CONNECTION_EXPIRED/linkedin/revoked (status 401), 3 posts waiting';
    expect(scrubSecrets(text)).toBe(text);
  });
});
