import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callbackMessageTable } from '../shared/domain/notifications/callback-messages.js';
import type { LocalRequest, LocalResponse } from './http-types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), 'dashboard');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Serves the Connected Accounts dashboard (static files under local/dashboard). */
export async function serveDashboard(req: LocalRequest): Promise<LocalResponse> {
  if (req.path === '/' || req.path === '/app') return { status: 302, headers: { location: '/app/' } };
  // The words for each callback error code, from their one home (the page never shows text from its address).
  if (req.path === '/app/messages.json') {
    return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify({ callbackErrors: callbackMessageTable() }) };
  }
  const rel = normalize(req.path.replace(/^\/app\/?/, '') || 'index.html');
  if (rel.startsWith('..')) return { status: 404, body: 'not found' };
  const file = join(ROOT, rel);
  const ext = file.slice(file.lastIndexOf('.'));
  try {
    const body = await readFile(file, 'utf8');
    return { status: 200, headers: { 'content-type': TYPES[ext] ?? 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body };
  } catch {
    // Single-page app: unknown paths under /app get the page.
    return { status: 200, headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' }, body: await readFile(join(ROOT, 'index.html'), 'utf8') };
  }
}
