import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Issue 10, point 11: the loudest log settings, set before the logger is built (at import).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

import type { LocalRuntime } from '../../../local/runtime.js';
import { hashState } from '../../../shared/domain/oauth-secrets.js';
import type { Platform } from '../../../shared/config/platforms.js';
import { openTokens } from '../../../shared/use-cases/tokens.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

let rt: LocalRuntime;
const lines: string[] = [];
const capture = (chunk: unknown) => {
  lines.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
};

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      capture(chunk);
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => capture(args.map(String).join(' ')));
  }
  rt = await startTestRuntime();
}, 60_000);
afterAll(async () => {
  await rt?.stop();
  vi.restoreAllMocks();
});

describe('no secret reaches a log, with POWERTOOLS_LOGGER_LOG_EVENT=true and DEBUG', () => {
  it.each(['x', 'facebook'] as Platform[])('%s: connect, callback (good and bad), publish, refresh: no token, code, state, verifier or session in the output', async (platform) => {
    const secrets: string[] = [];
    const owner = await new ApiClient(rt.url).login(`logs-${platform}`, `${platform}@logs.test`);
    secrets.push(owner.token);
    const ws = await owner.createWorkspace('Logs');
    await owner.sandboxAccount(platform, `${platform}-logs`, 'Logged Account');

    const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform });
    const state = new URL(start.body.authorizeUrl).searchParams.get('state')!;
    secrets.push(state);
    const stored = await rt.deps.store.oauthStates.get(hashState(state));
    if (stored?.codeVerifier) secrets.push(stored.codeVerifier);
    const toCallback = await fetch(`${start.body.authorizeUrl}&account=${platform}-logs&consent=allow`, { redirect: 'manual' });
    const callbackUrl = toCallback.headers.get('location')!;
    const code = new URL(callbackUrl).searchParams.get('code')!;
    secrets.push(code);
    expect((await owner.followCallback(callbackUrl)).searchParams.get('result')).toBe('connected');
    // The same code and state again (a replay), and a forged state: the error paths log too.
    expect((await owner.followCallback(callbackUrl)).searchParams.get('result')).toBe('error');
    expect((await owner.followCallback(`${rt.url}/oauth/${platform}/callback?code=${code}-forged&state=${state}-forged`)).searchParams.get('result')).toBe('error');

    const [row] = await owner.connections(ws);
    const tokensOf = async () => {
      const c = await rt.deps.store.connections.get(ws, row!.connectionId);
      const t = await openTokens(rt.deps.cipher, c!);
      return [t?.accessToken, t?.refreshToken, t?.accountToken].filter((v): v is string => !!v);
    };
    secrets.push(...(await tokensOf()));

    const publish = async (text: string) => {
      const r = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: row!.connectionId, text, publishAt: '2020-01-01T00:00:00Z' });
      expect(r.status).toBe(201);
      await owner.call('POST', '/local/publish-due');
      await owner.call('POST', '/local/drain');
    };
    await publish('First post');
    // Past the access token's life: the next publish refreshes (X rotates both tokens).
    rt.clock.advanceDays(1);
    await owner.login(`logs-${platform}`, `${platform}@logs.test`);
    secrets.push(owner.token);
    await publish('After a day');
    secrets.push(...(await tokensOf()));
    const published = (await owner.call<{ posts: { text: string }[] }>('GET', `/sandbox/${platform}/posts`)).body.posts.map((p) => p.text);
    expect(published).toEqual(expect.arrayContaining(['First post', 'After a day']));

    const output = lines.join('\n');
    // The settings took effect: events are logged (queue handlers), at DEBUG.
    expect(output).toContain('Lambda invocation event');
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const secret of new Set(secrets)) {
      expect(secret.length).toBeGreaterThan(8);
      expect(output.includes(secret) || output.includes(encodeURIComponent(secret)), `a secret (${secret.slice(0, 4)}…) is in the log output`).toBe(false);
    }
  }, 60_000);
});
