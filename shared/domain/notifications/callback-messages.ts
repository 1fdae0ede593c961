import { PLATFORM_LABELS, PLATFORMS, type Platform } from '../../config/platforms.js';
import { ERROR_CODES, INTERNAL_ERROR_TEXT, supportLine, type ErrorCode } from '../errors.js';
import { mayBeDown } from '../platform-status.js';
import { administeredAs } from '../platform-policy.js';

/**
 * What the dashboard says when a sign-in comes back with `result=error&code=CODE`: one message per
 * code, written here and nowhere else. The callback's redirect carries only the code, the platform and
 * the connection id; the page looks the words up here (served as /app/messages.json), so no text
 * taken from an address is ever shown as an official message.
 *
 * `{account}` is the only placeholder: the page fills it with the connection's name as the API
 * reports it, or "this account" when it knows no connection.
 */
export const ACCOUNT_PLACEHOLDER = '{account}';

function pageWord(platform: Platform | undefined): string {
  return administeredAs(platform) ?? 'Page';
}

/** The message for one code, for a platform (or none: the callback named no known platform). */
export function callbackErrorMessage(code: ErrorCode, platform?: Platform): string {
  const label = platform ? PLATFORM_LABELS[platform] : 'the platform';
  const Label = platform ? PLATFORM_LABELS[platform] : 'The platform';
  const a = ACCOUNT_PLACEHOLDER;
  const text: Record<ErrorCode, string> = {
    STATE_INVALID: `This sign-in is not valid here: finish the sign-in in the browser where you started it, or go back to Connected Accounts and click Connect or Reconnect again. Nothing was changed.`,
    STATE_EXPIRED: 'This sign-in took longer than 10 minutes and expired. Go back to Connected Accounts and click Reconnect again.',
    STATE_USED: 'This sign-in was already completed. Connected Accounts shows the result; click Reconnect to start again.',
    ACCESS_DENIED: `You cancelled the ${label} permissions screen, or ${label} ended the sign-in, so nothing changed. Click Connect or Reconnect and choose Allow to finish.`,
    WRONG_ACCOUNT: `You signed in to ${label} with another account than ${a}. Nothing was changed. Sign in to ${label} as the admin of ${a} first (a private browser window helps), then click Reconnect.${
      administeredAs(platform) ? ` If that was the right ${label} account, it may have lost its role on the ${pageWord(platform)}: get the admin role back first.` : ''
    }`,
    ADMIN_ROLE_REQUIRED: `The ${label} account you signed in with is not an admin of the ${pageWord(platform)} ${a}. Get your admin role on the ${pageWord(platform)} back first (ask a current admin), then click Reconnect.`,
    PLATFORM_UNAVAILABLE: `${Label} did not answer during the sign-in. ${mayBeDown(Label, 'click Reconnect again')}`,
    INTEGRATION_PROBLEM: `${Label} is refusing Flamel's app itself right now (a problem on our side, not with your account). Nothing was changed; we have been alerted. Try again later.`,
    NOT_FOUND: 'This connection was removed. Add the account again from Connected Accounts.',
    VALIDATION_FAILED: `${Label} sent no usable sign-in back. Click Reconnect to try again.`,
    CONNECTION_NOT_ACTIVE: 'This connection is not active. Reconnect it from Connected Accounts.',
    CONFLICT: 'Someone changed this connection at the same moment. Reload Connected Accounts and try again.',
    UNAUTHENTICATED: 'Sign in to Flamel first, then try again.',
    FORBIDDEN: 'You no longer have access to this workspace\u2019s connections (you are not its owner, and no hub you administer includes it). Nothing was changed.',
    WORKSPACE_CONTEXT_REQUIRED: 'Switch into this workspace\u2019s context first, then try again.',
    PAYLOAD_TOO_LARGE: 'The request was too large. Try again.',
    INTERNAL: INTERNAL_ERROR_TEXT,
  };
  return `${text[code]} ${supportLine(code)}`;
}

/**
 * The message a callback redirect carries beside its code, for clients that read the address (the
 * contract's "a message saying to ..."). It is this table's text, never the request's; the dashboard
 * ignores it and looks the code up itself.
 */
export function callbackRedirectMessage(code: ErrorCode, platform?: Platform): string {
  return callbackErrorMessage(code, platform).replaceAll(ACCOUNT_PLACEHOLDER, 'this account');
}

/** The whole table as the dashboard reads it: per code, per platform (`_`: no platform). */
export function callbackMessageTable(): Record<ErrorCode, Record<Platform | '_', string>> {
  return Object.fromEntries(
    ERROR_CODES.map((code) => [
      code,
      Object.fromEntries([['_', callbackErrorMessage(code)], ...PLATFORMS.map((p) => [p, callbackErrorMessage(code, p)])]),
    ]),
  ) as Record<ErrorCode, Record<Platform | '_', string>>;
}
