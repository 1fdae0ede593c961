import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResult, json } from '../../../functions/lib/http.js';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * Point 9 of issue 10: the page that keeps the session token in localStorage and the API's JSON
 * answers carry security headers (locally as in AWS, where CloudFront adds the same ones).
 * The expected values are written out here, not imported: the test checks the choice.
 */
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

let rt: LocalRuntime;
let client: ApiClient;

beforeAll(async () => {
  rt = await startTestRuntime();
  client = await new ApiClient(rt.url).login('owner-headers', 'owner@headers.example');
});

afterAll(async () => {
  await rt?.stop();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${rt.url}${path}`, { redirect: 'manual', headers });
  await res.arrayBuffer();
  return res;
}

function expectDashboardHeaders(res: Response, what: string): void {
  expect(res.headers.get('content-security-policy'), what).toBe(DASHBOARD_CSP);
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
}

function expectApiHeaders(headers: Headers, what: string): void {
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('content-security-policy'), what).toBe(API_CSP);
  expect(headers.get('cache-control'), what).toBe('no-store');
}

describe('security headers of the local runtime', () => {
  it('serves the dashboard page, its files, deep links and redirects with the strict CSP and framing / sniffing / referrer headers', async () => {
    for (const path of ['/app/', '/app/js/main.js', '/app/styles.css', '/app/config.json', '/app/connections/c1/reconnect']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expectDashboardHeaders(res, path);
    }
    const redirect = await get('/');
    expect(redirect.status).toBe(302);
    expectDashboardHeaders(redirect, '/');
    // No inline script allowance anywhere in the policy.
    expect((await get('/app/')).headers.get('content-security-policy')).not.toContain('unsafe');
  });

  it('puts nosniff, a no-content CSP and no-store on API answers: success, refusal, authorizer 401 and the callback redirect', async () => {
    const created = await client.call('POST', '/workspaces', { name: 'Headers Co' });
    expect(created.status).toBe(201);
    expectApiHeaders(created.headers, 'POST /workspaces');
    const wsId = (created.body as { workspaceId: string }).workspaceId;

    const listed = await client.call('GET', `/workspaces/${wsId}/connections`);
    expect(listed.status).toBe(200);
    expectApiHeaders(listed.headers, 'GET connections');

    const invalid = await client.call('POST', `/workspaces/${wsId}/connections`, { platform: 'myspace' });
    expect(invalid.status).toBe(400);
    expectApiHeaders(invalid.headers, 'invalid body');

    const anonymous = await get(`/workspaces/${wsId}/connections`);
    expect(anonymous.status).toBe(401);
    expectApiHeaders(anonymous.headers, 'no token');

    const callback = await get('/oauth/facebook/callback?state=not-a-state&code=x');
    expect(callback.status).toBe(302);
    expectApiHeaders(callback.headers, 'callback');
  });
});

describe('the dashboard config file', () => {
  it('names the local identity provider at /app/config.json, as the stack deploys it next to the page in AWS', async () => {
    const res = await fetch(`${rt.url}/app/config.json`);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ issuer: 'flamel-local', audience: 'flamel-connections' });
  });
});

describe('security headers of the Lambda answers (what API Gateway returns in AWS)', () => {
  it('sets them on every JSON answer the handlers build, errors included', () => {
    for (const result of [json(200, { ok: true }), json(204), errorResult('FORBIDDEN', 'no'), errorResult('INTERNAL', 'boom')]) {
      expectApiHeaders(new Headers(result.headers as Record<string, string>), String(result.statusCode));
      expect(result.headers?.['content-type']).toBe('application/json');
    }
  });
});
