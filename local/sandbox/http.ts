import type { LocalRequest, LocalResponse } from '../http-types.js';

/** Small response/request helpers shared by the sandbox's wire files. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): LocalResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function html(status: number, body: string): LocalResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body };
}

export function redirect(location: string): LocalResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

/** Form or JSON body, flattened to strings (the OAuth endpoints are form-encoded). */
export function formParams(req: LocalRequest): URLSearchParams {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const body = jsonBody(req);
    const params = new URLSearchParams();
    if (body && typeof body === 'object') {
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number') params.set(k, String(v));
    }
    return params;
  }
  return new URLSearchParams(req.body);
}

export function jsonBody(req: LocalRequest): unknown {
  if (req.body.trim() === '') return {};
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    return undefined;
  }
}

/** A parameter from the query or the form body (Graph accepts either). */
export function param(req: LocalRequest, name: string): string | undefined {
  const fromQuery = req.query.get(name);
  if (fromQuery !== null) return fromQuery;
  if (req.method === 'POST') return formParams(req).get(name) ?? undefined;
  return undefined;
}

export function bearer(req: LocalRequest): string | undefined {
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

export function basicAuth(req: LocalRequest): { user: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  try {
    return { user: decodeURIComponent(decoded.slice(0, i)), password: decodeURIComponent(decoded.slice(i + 1)) };
  } catch {
    return undefined;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function logId(): string {
  return `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${Math.random().toString(16).slice(2, 14).toUpperCase()}`;
}
