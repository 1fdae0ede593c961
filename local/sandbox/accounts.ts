import { z } from 'zod';
import { EXPIRY_REASONS } from '../../shared/config/events.js';
import type { Platform } from '../../shared/config/platforms.js';
import { administeredAs } from '../../shared/domain/platform-policy.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { json, jsonBody } from './http.js';
import { SANDBOX_APP_STATES, type SandboxAccount, type SandboxStore } from './store.js';

/**
 * The contract's control routes (never counted, never down):
 * `POST /accounts`, `GET /accounts`, `POST /accounts/{id}/revoke`, `POST /accounts/{id}/admin`
 * (both also take Facebook Page `tasks`),
 * `POST /outage`, `POST /app` (our app refused for every account), `GET /posts`. Bodies are checked with zod; bad input answers 400 VALIDATION_FAILED.
 */
const accountId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._~-]+$/, 'use letters, digits and . _ ~ - only');

/** Facebook Page tasks (`/me/accounts` `tasks`); optional, else `isAdmin` maps to all of them or ANALYZE. */
const PAGE_TASKS = ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] as const;
const tasks = z.array(z.enum(PAGE_TASKS)).max(PAGE_TASKS.length).optional();
const accountBody = z.object({ externalAccountId: accountId, name: z.string().trim().min(1).max(200), isAdmin: z.boolean().default(true), tasks });
const revokeBody = z.object({ reason: z.enum(EXPIRY_REASONS) });
const adminBody = z.object({ isAdmin: z.boolean(), tasks });
const outageBody = z.object({ down: z.boolean() });
const appBody = z.object({ state: z.enum(SANDBOX_APP_STATES) });

/** Platforms with a Page / Company Page role (PlatformPolicy); on TikTok and X the admin toggle is recorded but changes nothing. */
const hasRoles = (platform: Platform): boolean => administeredAs(platform) !== undefined;

function problem(status: number, code: string, message: string): LocalResponse {
  return json(status, { error: { code, message } });
}

function parse<T>(schema: z.ZodType<T>, req: LocalRequest): { ok: true; value: T } | { ok: false; response: LocalResponse } {
  const body = jsonBody(req);
  if (body === undefined) return { ok: false, response: problem(400, 'VALIDATION_FAILED', 'The body must be JSON.') };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return { ok: false, response: problem(400, 'VALIDATION_FAILED', `Fix the request body: ${detail}.`) };
  }
  return { ok: true, value: parsed.data };
}

function view(a: SandboxAccount): Record<string, unknown> {
  return { externalAccountId: a.externalAccountId, name: a.name, isAdmin: a.isAdmin, ...(a.tasks ? { tasks: a.tasks } : {}), ...(a.revokeReason ? { lastRevokeReason: a.revokeReason } : {}) };
}

/** A path segment decoded, or undefined for a bad escape (`%ZZ`, a cut `%E2%82`): a caller error, not a crash. */
function decodedSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Answers a control route, or undefined when `sub` is not one. */
export function controlRoute(platform: Platform, sub: string, req: LocalRequest, store: SandboxStore): LocalResponse | undefined {
  if (sub === '/accounts') {
    if (req.method === 'GET') return json(200, { accounts: store.listAccounts(platform).map(view) });
    if (req.method !== 'POST') return problem(405, 'METHOD_NOT_ALLOWED', 'Use POST to create an account.');
    const body = parse(accountBody, req);
    if (!body.ok) return body.response;
    const { account } = store.upsertAccount(platform, body.value);
    return json(201, view(account));
  }
  const m = /^\/accounts\/([^/]+)\/(revoke|admin)$/.exec(sub);
  if (m?.[1] && m[2]) {
    if (req.method !== 'POST') return problem(405, 'METHOD_NOT_ALLOWED', 'Use POST.');
    const id = decodedSegment(m[1]);
    if (id === undefined) return problem(400, 'VALIDATION_FAILED', 'The account id in the path is not a valid percent-encoded value.');
    const account = store.account(platform, id);
    if (!account) return problem(404, 'NOT_FOUND', `No ${platform} sandbox account "${id}". Create it with POST /sandbox/${platform}/accounts.`);
    if (m[2] === 'revoke') {
      const body = parse(revokeBody, req);
      if (!body.ok) return body.response;
      store.revoke(account, body.value.reason);
      return json(200, { externalAccountId: account.externalAccountId, revoked: true, reason: body.value.reason });
    }
    const body = parse(adminBody, req);
    if (!body.ok) return body.response;
    account.isAdmin = body.value.isAdmin;
    account.tasks = body.value.tasks;
    return json(200, { externalAccountId: account.externalAccountId, isAdmin: account.isAdmin, ...(account.tasks ? { tasks: account.tasks } : {}), hasRoles: hasRoles(platform) });
  }
  if (sub === '/outage') {
    if (req.method !== 'POST') return problem(405, 'METHOD_NOT_ALLOWED', 'Use POST.');
    const body = parse(outageBody, req);
    if (!body.ok) return body.response;
    store.setDown(platform, body.value.down);
    return json(200, { platform, down: body.value.down });
  }
  if (sub === '/app') {
    if (req.method === 'GET') return json(200, { platform, state: store.appState(platform) });
    if (req.method !== 'POST') return problem(405, 'METHOD_NOT_ALLOWED', 'Use POST.');
    const body = parse(appBody, req);
    if (!body.ok) return body.response;
    store.setAppState(platform, body.value.state);
    return json(200, { platform, state: body.value.state });
  }
  if (sub === '/posts' && req.method === 'GET') {
    return json(200, { posts: store.listPosts(platform).map(({ externalAccountId, text, platformPostId }) => ({ externalAccountId, text, platformPostId })) });
  }
  return undefined;
}
