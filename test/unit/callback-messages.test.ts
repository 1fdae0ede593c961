import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../shared/config/platforms.js';
import { ERROR_CODES } from '../../shared/domain/errors.js';
import { ACCOUNT_PLACEHOLDER, callbackErrorMessage, callbackMessageTable } from '../../shared/domain/notifications/callback-messages.js';
import { serveDashboard } from '../../local/dashboard.js';
import { linkResultMessageTable } from '../../shared/domain/notifications/reconnect-link.js';
import { dashboardWords } from '../../shared/domain/notifications/dashboard-words.js';

// Issue 10, point 7: the dashboard's words for a callback error come from one table, by code.
describe('callback error messages', () => {
  it('every error code has words for every platform and for none, each ending with the code to quote', () => {
    const table = callbackMessageTable();
    expect(Object.keys(table).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      for (const key of ['_', ...PLATFORMS] as const) {
        expect(table[code][key]).toMatch(new RegExp(`include this error code: ${code}\\.$`));
      }
    }
  });

  it('names the platform, and the Page role only where the connection is a Page', () => {
    expect(callbackErrorMessage('WRONG_ACCOUNT', 'linkedin')).toMatch(/LinkedIn.*as the admin of \{account\}.*role on the Company Page/);
    expect(callbackErrorMessage('WRONG_ACCOUNT', 'x')).not.toMatch(/role/);
    expect(callbackErrorMessage('ACCESS_DENIED', 'facebook')).toContain('You cancelled the Facebook permissions screen');
    expect(callbackErrorMessage('STATE_INVALID')).toMatch(/browser where you started it/);
    expect(callbackErrorMessage('ADMIN_ROLE_REQUIRED', 'facebook')).toContain(ACCOUNT_PLACEHOLDER);
  });

  it('the local dashboard serves the table at /app/messages.json', async () => {
    const res = await serveDashboard({ method: 'GET', path: '/app/messages.json', query: new URLSearchParams(), headers: {}, body: '' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ callbackErrors: callbackMessageTable(), linkResults: linkResultMessageTable(), words: dashboardWords() });
  });
});
