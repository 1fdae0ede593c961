import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from './auth.js';
import { callbackMessageTable } from '../shared/domain/notifications/callback-messages.js';
import { linkResultMessageTable } from '../shared/domain/notifications/reconnect-link.js';
import { dashboardWords } from '../shared/domain/notifications/dashboard-words.js';
import type { LocalRequest, LocalResponse } from './http-types.js';

/** The dashboard's static files (web/ at the top): served from there locally, deployed to S3 as they are (infra/constructs/web.ts). */
export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const ROOT = DASHBOARD_DIR;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * What the dashboard is served with, here and by CloudFront (infra/constructs/web.ts reads these).
 * The session token lives in localStorage, so the page may run its own files only: no inline script
 * or style, no other origin to load from, post to or frame it.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
export const DASHBOARD_SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** `/app/config.json`: who signs people in. The API is same-origin, so the page uses relative URLs. */
export interface DashboardConfig {
  issuer: string;
  audience: string;
}
/** Its name under /app/ (AWS: written next to the files by the stack, from the JWT authorizer's settings). */
export const DASHBOARD_CONFIG_FILE = 'config.json';
const LOCAL_CONFIG: DashboardConfig = { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE };

/**
 * `/app/messages.json`: every sentence the pages show that is not an API answer (the words for each
 * callback code and link outcome, and the dashboard's words), from their homes in shared/domain.
 * Served here, written next to the files in AWS.
 */
export const DASHBOARD_MESSAGES_FILE = 'messages.json';
export function dashboardMessages(): {
  callbackErrors: ReturnType<typeof callbackMessageTable>;
  linkResults: ReturnType<typeof linkResultMessageTable>;
  words: ReturnType<typeof dashboardWords>;
} {
  return { callbackErrors: callbackMessageTable(), linkResults: linkResultMessageTable(), words: dashboardWords() };
}

/** Serves the Connected Accounts dashboard (static files under web/). */
export async function serveDashboard(req: LocalRequest): Promise<LocalResponse> {
  if (req.path === '/' || req.path === '/app') return { status: 302, headers: { location: '/app/', ...DASHBOARD_SECURITY_HEADERS } };
  // The words for each callback error code, from their one home (the page never shows text from its address).
  if (req.path === `/app/${DASHBOARD_MESSAGES_FILE}`) {
    return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...DASHBOARD_SECURITY_HEADERS }, body: JSON.stringify(dashboardMessages()) };
  }
  const rel = normalize(req.path.replace(/^\/app\/?/, '') || 'index.html');
  if (rel === DASHBOARD_CONFIG_FILE) {
    return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...DASHBOARD_SECURITY_HEADERS }, body: JSON.stringify(LOCAL_CONFIG) };
  }
  if (rel.startsWith('..')) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', ...DASHBOARD_SECURITY_HEADERS }, body: 'not found' };
  const file = join(ROOT, rel);
  const ext = file.slice(file.lastIndexOf('.'));
  try {
    const body = await readFile(file, 'utf8');
    return { status: 200, headers: { 'content-type': TYPES[ext] ?? 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...DASHBOARD_SECURITY_HEADERS }, body };
  } catch {
    // Single-page app: unknown paths under /app get the page.
    return {
      status: 200,
      headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-store', ...DASHBOARD_SECURITY_HEADERS },
      body: await readFile(join(ROOT, 'index.html'), 'utf8'),
    };
  }
}
