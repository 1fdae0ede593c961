import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ERROR_CODES } from '../../../shared/domain/errors.js';
import { LINK_REFUSALS } from '../../../shared/domain/reconnect-link.js';
import { ROUTES } from '../../../shared/config/routes.js';
import { PLATFORMS } from '../../../shared/config/platforms.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';
import { soakScale } from '../../helpers/soak.js';

/**
 * Bad input over every route of the contract: malformed, type-confused, oversized, hostile path
 * parameters. Whatever arrives, the answer is a 4xx with a stable code (or a success), never a 500
 * or a stack trace, and a refused request writes nothing (the table is compared item by item).
 * `npm run soak` runs many more cases (SOAK_SCALE).
 */
const RUNS = 60 * soakScale();

let rt: LocalRuntime;
let owner: ApiClient;
let known: { workspaceId: string; connectionId: string; postId: string; hubId: string };

beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('fuzz-owner');
  const workspaceId = await owner.createWorkspace('Fuzz');
  await owner.sandboxAccount('x', 'fuzz-x', 'Fuzz X');
  const done = await owner.connect(workspaceId, 'x', 'fuzz-x');
  const connectionId = done.searchParams.get('connectionId') ?? '';
  const post = await owner.call<{ postId: string }>('POST', `/workspaces/${workspaceId}/posts`, { connectionId, text: 'hello', publishAt: new Date(rt.clock.now().getTime() + 30 * 86_400_000).toISOString() });
  const hub = await owner.call<{ hubId: string }>('POST', '/hubs', { name: 'Fuzz hub' });
  known = { workspaceId, connectionId, postId: post.body.postId, hubId: hub.body.hubId };
  expect(post.status).toBe(201);
  expect(connectionId).not.toBe('');
}, 60_000);

afterAll(async () => {
  await rt.stop();
});

const hostileSegment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('%ZZ', '%00', '..', '%2e%2e', '%E0%A4%A', 'a'.repeat(600), '\u202Eevil', '%F0%9F%98', 'null', '[]'),
);

/** A value of the wrong type for any field. */
const confused = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }), fc.string({ maxLength: 60 }));

const body = fc.oneof(
  { weight: 3, arbitrary: fc.record({ name: confused, platform: confused, connectionId: confused, text: confused, publishAt: confused, mediaUrl: confused, workspaceId: confused, hubId: confused, skipRetriesOlderThanHours: confused }, { requiredKeys: [] }).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"name":', '\u0000', '[1,2', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}') },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ name: 'x'.repeat(1024 * 1024) })) },
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  params: fc.dictionary(fc.constantFrom('workspaceId', 'connectionId', 'postId', 'hubId', 'platform'), fc.oneof(fc.constant(undefined), hostileSegment), { maxKeys: 5 }),
  body: fc.option(body, { nil: undefined }),
  context: fc.option(fc.oneof(hostileSegment, fc.constant('SELF')), { nil: undefined }),
  query: fc.option(fc.dictionary(fc.constantFrom('state', 'code', 'error', 'error_description', 'status', 'nextToken', 'connectionId'), fc.string({ maxLength: 80 }), { maxKeys: 4 }), { nil: undefined }),
});

function pathOf(template: string, params: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const given = params[name];
    if (given !== undefined) return encodeURIComponent(given).replace(/%25([0-9A-F]{2})/gi, (_x, hex: string) => (Math.random() < 0.5 ? `%${hex}` : `%25${hex}`));
    if (name === 'platform') return PLATFORMS[0];
    return known[name as keyof typeof known];
  });
}

// A refused reconnect link answers its own codes (the link page's words).
const ERROR_CODE_SET = new Set<string>([...ERROR_CODES, ...LINK_REFUSALS]);

describe('bad input over every HTTP route', () => {
  it('answers a 4xx with a stable code (never a 500 or a stack) and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = JSON.stringify(await rt.tableItems());
        let path = pathOf(r.route.path, r.params);
        if (r.query) path += `?${new URLSearchParams(r.query).toString()}`;
        const headers: Record<string, string> = {};
        if (r.context !== undefined) headers['x-workspace-context'] = r.context === 'SELF' ? known.workspaceId : encodeURIComponent(r.context);
        const answer = await owner.call(r.route.method, path, r.route.method === 'GET' ? undefined : r.body, headers);
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        expect(answer.status, `${r.route.method} ${path} -> ${text.slice(0, 300)}`).toBeLessThan(500);
        expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)|"stack"/);
        if (r.route.fn === 'oauthCallback' && answer.status !== 404) {
          // The callback never connects without a known state: always back to the dashboard with an error code.
          expect(answer.status).toBe(302);
          const location = new URL(answer.headers.get('location') ?? '');
          expect(location.searchParams.get('result')).toBe('error');
          expect(ERROR_CODE_SET.has(location.searchParams.get('code') ?? '')).toBe(true);
        } else if (answer.status >= 400) {
          const code = (answer.body as { error?: { code?: unknown } }).error?.code;
          expect(ERROR_CODE_SET.has(String(code)), `unknown code ${String(code)}`).toBe(true);
        }
        if (answer.status >= 300) expect(JSON.stringify(await rt.tableItems())).toBe(before);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261130) },
    );
  }, 240_000);
});
