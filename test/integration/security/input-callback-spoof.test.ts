import { callbackRedirectMessage } from '../../../shared/domain/notifications/callback-messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

// Issue 10, point 7: the callback's redirect carries codes, never words a page would show.
let rt: LocalRuntime;
let owner: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('spoof-owner', 'owner@spoof.test');
}, 60_000);
afterAll(async () => {
  await rt?.stop();
});

const SPOOF = 'Your account is locked. Call 555-0100 or visit evil.example to restore access';

describe('callback error redirects', () => {
  it('echo nothing from the platform\'s error or error_description: the only message is the one written for the code', async () => {
    const ws = await owner.createWorkspace();
    const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform: 'facebook' });
    const state = new URL(start.body.authorizeUrl).searchParams.get('state')!;
    const r = await owner.followCallback(`${rt.url}/oauth/facebook/callback?error=${encodeURIComponent(SPOOF)}&error_description=${encodeURIComponent(SPOOF)}&state=${state}`);
    expect(r.pathname).toBe('/app/');
    expect([...r.searchParams.keys()].sort()).toEqual(['code', 'message', 'platform', 'result']);
    expect(r.searchParams.get('code')).toBe('ACCESS_DENIED');
    expect(r.searchParams.get('message')).toBe(callbackRedirectMessage('ACCESS_DENIED', 'facebook'));
    expect(decodeURIComponent(r.toString())).not.toMatch(/555|evil|locked/);
  });

  it.each(['forged-state', ''])('an unknown state (%j) answers a code only', async (state) => {
    const r = await owner.followCallback(`${rt.url}/oauth/x/callback?code=abc&state=${state}&message=${encodeURIComponent(SPOOF)}`);
    expect(Object.fromEntries(r.searchParams)).toEqual({ result: 'error', code: 'STATE_INVALID', message: callbackRedirectMessage('STATE_INVALID', 'x'), platform: 'x' });
  });

  it('the dashboard gets the words for each code from the server\'s table and never reads a message from its address', async () => {
    const table = (await (await fetch(`${rt.url}/app/messages.json`)).json()) as { callbackErrors: Record<string, Record<string, string>> };
    expect(table.callbackErrors.STATE_INVALID!.x).toMatch(/STATE_INVALID/);
    // The modules that load the table and read the address (web/js/words.js, main.js).
    const appJs = (await Promise.all(['words.js', 'main.js'].map(async (f) => (await fetch(`${rt.url}/app/js/${f}`)).text()))).join('\n');
    expect(appJs).toContain('/app/messages.json');
    expect(appJs).not.toMatch(/get\('(message|error|error_description)'\)/);
  });
});
