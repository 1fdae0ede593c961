import { PLATFORM_LABELS } from '../../shared/config/platforms.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { escapeHtml, html, redirect } from './http.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * The platform's consent screen. Checks what the real one checks (client id, exact redirect_uri,
 * response_type, PKCE S256 where the platform uses it); without `consent` it shows a page a person
 * can use (one button per account, and Deny); with `&account=ID&consent=allow|deny` it answers at
 * once with the 302 to redirect_uri (`code&state`, or `error=access_denied&error_description&state`).
 */
export function authorize(wire: PlatformWire, req: LocalRequest, ctx: WireContext): LocalResponse {
  const q = req.query;
  const label = PLATFORM_LABELS[wire.platform];
  const clientId = q.get(wire.clientIdParam);
  if (clientId !== ctx.client.clientId) return errorPage(label, 400, `Invalid ${wire.clientIdParam}: this app is not known to ${label}.`);
  const redirectUri = q.get('redirect_uri');
  if (redirectUri !== ctx.redirectUri) {
    return errorPage(label, 400, `The redirect_uri does not match the one registered for this app (${ctx.redirectUri}).`);
  }
  const responseType = q.get('response_type');
  if ((responseType !== null || wire.platform !== 'facebook') && responseType !== 'code') return errorPage(label, 400, 'response_type must be "code".');
  const challenge = q.get('code_challenge') ?? undefined;
  if (wire.pkce && (challenge === undefined || q.get('code_challenge_method') !== 'S256' || !(wire.pkceChallenge ?? /^[A-Za-z0-9_-]{43}$/).test(challenge))) {
    return errorPage(label, 400, 'This app must send code_challenge with code_challenge_method=S256 (PKCE).');
  }
  const state = q.get('state') ?? undefined;
  const scopes = (q.get('scope') ?? '').split(wire.scopeSeparator).filter((s) => s !== '');
  const consent = q.get('consent');

  if (consent === 'deny') {
    const extra: Record<string, string> =
      wire.platform === 'facebook' ? { error_code: '200', error_reason: 'user_denied', error_description: 'Permissions error' } : { error_description: 'The user denied the request.' };
    return redirect(withParams(ctx.redirectUri, { error: 'access_denied', ...extra, state }));
  }
  if (consent === 'allow') {
    const account = ctx.store.account(wire.platform, q.get('account') ?? '');
    if (!account) return errorPage(label, 404, `No sandbox ${label} account "${q.get('account') ?? ''}". Create it with POST /sandbox/${wire.platform}/accounts.`);
    ctx.store.consented(account, wire.consentPeriodSeconds === undefined ? undefined : wire.consentPeriodSeconds * 1000, ctx.linkedinReconsentRestarts);
    const code = ctx.store.issueCode({ platform: wire.platform, accountId: account.externalAccountId, clientId, redirectUri, challenge, scopes, ttlSeconds: wire.codeTtlSeconds });
    return redirect(withParams(ctx.redirectUri, { code: code.value, state }));
  }
  if (consent !== null) return errorPage(label, 400, 'consent must be "allow" or "deny".');
  return consentPage(wire, req, ctx, scopes);
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function hiddenInputs(query: URLSearchParams): string {
  return [...query.entries()]
    .filter(([k]) => k !== 'account' && k !== 'consent')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}

function consentPage(wire: PlatformWire, req: LocalRequest, ctx: WireContext, scopes: string[]): LocalResponse {
  const label = PLATFORM_LABELS[wire.platform];
  const action = escapeHtml(`/sandbox/${wire.platform}${req.path.replace(/^\/sandbox\/[^/]+/, '')}`);
  const hidden = hiddenInputs(req.query);
  const accounts = ctx.store.listAccounts(wire.platform);
  const buttons =
    accounts.length === 0
      ? `<p>No ${escapeHtml(label)} sandbox accounts yet. Create one with <code>POST /sandbox/${wire.platform}/accounts</code>.</p>`
      : accounts
          .map(
            (a) =>
              `<form method="get" action="${action}">${hidden}<input type="hidden" name="account" value="${escapeHtml(a.externalAccountId)}">` +
              `<button type="submit" name="consent" value="allow" data-account="${escapeHtml(a.externalAccountId)}">Allow as ${escapeHtml(a.name)} ` +
              `<small>(${escapeHtml(a.externalAccountId)}${a.isAdmin ? ', admin' : ', not admin'})</small></button></form>`,
          )
          .join('\n');
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(label)} (sandbox): allow Flamel?</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{display:block;width:100%;margin:.4rem 0;padding:.7rem;font-size:1rem;cursor:pointer}.deny{background:#eee}</style>
</head><body>
<h1>${escapeHtml(label)} <small>(sandbox)</small></h1>
<p>Flamel wants to act for one of your accounts with: <strong>${escapeHtml(scopes.join(', ') || 'no scopes')}</strong>.</p>
<h2>Choose an account</h2>
${buttons}
<form method="get" action="${action}">${hidden}<button class="deny" type="submit" name="consent" value="deny">Deny</button></form>
</body></html>`;
  return html(200, body);
}

export function errorPage(label: string, status: number, message: string): LocalResponse {
  return html(
    status,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(label)} (sandbox): error</title></head>` +
      `<body><h1>${escapeHtml(label)} <small>(sandbox)</small></h1><p role="alert">${escapeHtml(message)}</p></body></html>`,
  );
}
