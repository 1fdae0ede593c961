import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { startWithConnectedAccount } from '../../helpers/connected-account.js';

// Issue 10, point 8: bidi controls in user text must not reorder what alerts, emails and the API show.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const RLO = '\u202e';
const PDF = '\u202c';

let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

describe('bidi controls in post text and names', () => {
  it('never reach the alerts, the emails or the API views', async () => {
    const base = await startWithConnectedAccount({
      userId: 'bidi-owner',
      email: 'owner@bidi.test',
      workspace: `Bakery ${RLO}gnp.exe${PDF}\u2066`,
      platform: 'facebook',
      account: 'bidi-page',
      accountName: `Page ${RLO}reffo laiceps\u2067 ${'\u200f'}`,
    });
    rt = base.rt;
    const { owner, ws, schedule, publishDue, outbox } = base;
    await owner.call('POST', '/sandbox/facebook/accounts/bidi-page/revoke', { reason: 'password_changed' });
    rt.clock.advanceDays(1);
    await owner.login('bidi-owner', 'owner@bidi.test');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');
    await schedule(`Call us ${RLO}0010-555${PDF} today\u061c\u200e`);
    await publishDue();

    const alerts = (await owner.call<{ alerts: { kind: string; message: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
    expect(alerts.map((a) => a.kind).sort()).toEqual(['connection_expired', 'post_failed']);
    for (const a of alerts) expect(a.message).not.toMatch(BIDI);
    expect(alerts.find((a) => a.kind === 'post_failed')!.message).toContain('Call us 0010-555 today');

    const emails = await outbox();
    expect(emails.length).toBeGreaterThanOrEqual(2);
    for (const e of emails) {
      expect(e.subject).not.toMatch(BIDI);
      expect(e.text).not.toMatch(BIDI);
      expect(e.html).not.toMatch(BIDI);
    }
    expect(emails.map((e) => e.text).join('\n')).toContain('"Page reffo laiceps"');

    const raw = await (await fetch(`${rt.url}/workspaces/${ws}/connections`, { headers: { authorization: `Bearer ${owner.token}` } })).text();
    expect(raw).not.toMatch(BIDI);
    expect(raw).toContain('Page reffo laiceps');
  }, 60_000);
});
