import type { Clock } from '../../ports/misc.js';
import type { PlatformFailure, PlatformResponse, PlatformResult, TokenSet } from '../../ports/platform.js';

/**
 * The one way the platform adapters talk HTTP: every call has a timeout, a network error or a
 * timeout becomes `status: 0` (which every classifier reads as transient), and nothing here ever
 * puts a URL (which may carry a token in its query), a header or a body into an error message.
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string | undefined>;
  /** Sent as application/json. */
  json?: unknown;
}

export interface HttpDeps {
  fetchImpl: typeof fetch;
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 8_000;

function withoutUndefined(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) out[k] = v;
  return out;
}

/** `parse` reads the answer's text (default: JSON, `{}` when empty, `{text}` when not JSON). */
export async function send(deps: HttpDeps, req: HttpRequest, parse: (text: string) => unknown = parseBody): Promise<PlatformResponse> {
  const url = new URL(req.url);
  for (const [k, v] of Object.entries(withoutUndefined(req.query ?? {}))) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(withoutUndefined(req.form)).toString();
  } else if (req.json !== undefined) {
    headers['content-type'] = 'application/json; charset=UTF-8';
    body = JSON.stringify(req.json);
  }
  return sendRaw(deps, url, { method: req.method, headers, body }, parse);
}

/**
 * One request as given (no header or body added; redirects not followed), with the timeout: for
 * calls `send` cannot shape, such as uploading raw bytes.
 */
export async function sendRaw(
  deps: HttpDeps,
  url: URL | string,
  init: { method: string; headers: Record<string, string>; body?: BodyInit },
  parse: (text: string) => unknown = parseBody,
): Promise<PlatformResponse> {
  let res: Response;
  let text: string;
  try {
    res = await deps.fetchImpl(url, { ...init, signal: AbortSignal.timeout(deps.timeoutMs), redirect: 'manual' });
    text = await res.text();
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { status: 0, body: { networkError: timedOut ? 'timeout' : 'unreachable' } };
  }
  const responseHeaders: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    responseHeaders[key.toLowerCase()] = value;
  });
  return { status: res.status, body: parse(text), headers: responseHeaders };
}

export function parseBody(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { text: text.slice(0, 500) };
  }
}

export function isSuccess(res: PlatformResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** The failure for "no answer at all" (status 0), shared by every classifier. */
export function networkFailure(platform: string, res: PlatformResponse): PlatformFailure {
  const why = asRecord(res.body).networkError === 'timeout' ? 'did not answer in time' : 'could not be reached';
  return { kind: 'transient', message: `${platform} ${why}. Flamel will try again.`, status: 0 };
}

/**
 * An answer no documented rule matched: transient (retried with backoff, never an expiry, never a
 * crash) and flagged so the use case logs it. `code` is the platform's own error code, if any.
 */
export function unrecognisedAnswer(platform: string, res: PlatformResponse, code?: string, text?: string): PlatformFailure {
  const what = code === undefined ? `HTTP ${res.status}` : `HTTP ${res.status} (${code})`;
  return { kind: 'transient', unrecognised: true, status: res.status, message: `${platform} gave an answer Flamel does not recognise: ${what}${text ? `: ${clip(text, '')}` : ''}. Flamel will try again.`, retryAfterSeconds: retryAfterSeconds(res) };
}

export function retryAfterSeconds(res: PlatformResponse): number | undefined {
  const raw = res.headers?.['retry-after'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

// ---- small readers for untyped JSON -------------------------------------------------------------

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Platform text put into our messages: single line, bounded. Platforms do not echo tokens in these. */
export function clip(message: string | undefined, fallback: string): string {
  const m = (message ?? '').replace(/\s+/g, ' ').trim();
  return m === '' ? fallback : m.slice(0, 300);
}

// ---- results and token lifetimes ----------------------------------------------------------------

export function ok<T>(value: T): PlatformResult<T> {
  return { ok: true, value };
}

export function fail<T>(failure: PlatformFailure): PlatformResult<T> {
  return { ok: false, failure };
}

/** `now + seconds`, as ISO; undefined when the platform gave no lifetime (or 0 = never). */
export function expiresAt(clock: Clock, seconds: unknown): string | undefined {
  const n = num(seconds);
  if (n === undefined || n <= 0) return undefined;
  return new Date(clock.now().getTime() + n * 1000).toISOString();
}

export function hasPassed(clock: Clock, iso: string | undefined): boolean {
  return iso !== undefined && Date.parse(iso) <= clock.now().getTime();
}

/** A refresh answer without a refresh token keeps the old one and its expiry (never erased). */
export function mergeRefreshed(previous: TokenSet, next: TokenSet): TokenSet {
  const merged: TokenSet = { ...previous, ...next };
  if (next.refreshToken === undefined) {
    merged.refreshToken = previous.refreshToken;
    merged.refreshTokenExpiresAt = previous.refreshTokenExpiresAt;
  } else if (next.refreshTokenExpiresAt === undefined) {
    // Same refresh token: its known expiry still holds. A new one without a lifetime: unknown.
    merged.refreshTokenExpiresAt = next.refreshToken === previous.refreshToken ? previous.refreshTokenExpiresAt : undefined;
  }
  if (next.scopes === undefined) merged.scopes = previous.scopes;
  for (const key of Object.keys(merged) as (keyof TokenSet)[]) if (merged[key] === undefined) delete merged[key];
  return merged;
}

export function splitScopes(value: unknown): string[] | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  return s.split(/[\s,]+/).filter((x) => x !== '');
}

/**
 * An exchange that failed: transient stays transient, anything else means this code was refused
 * (wrong verifier, replayed or expired code, wrong redirect): the user must sign in again.
 */
export function exchangeFailure(failure: PlatformFailure): PlatformFailure {
  if (failure.kind === 'transient') return failure;
  return { kind: 'rejected', message: `The sign-in code was refused: ${failure.message}`, status: failure.status };
}

/** A refused sign-in where our app's own refusal stays `integration` (not the user's to fix by signing in again). */
export function signInFailure(failure: PlatformFailure): PlatformFailure {
  return failure.kind === 'integration' ? failure : exchangeFailure(failure);
}

/**
 * A refused refresh with an OAuth `invalid_grant`-style answer: the refresh token reached its end
 * (`token_expired`) when its stored expiry has passed, otherwise it was taken away (`revoked`).
 */
export function refreshRefused(clock: Clock, tokens: TokenSet, failure: PlatformFailure): PlatformFailure {
  if (failure.kind !== 'expired') return failure;
  if (hasPassed(clock, tokens.refreshTokenExpiresAt)) return { ...failure, reason: 'token_expired' };
  return failure;
}
