import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

// Issue 10, points 5 and 12: what the API accepts from outside.
let rt: LocalRuntime;
let owner: ApiClient;
let ws: string;
let connectionId: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('input-owner', 'owner@input.test');
  ws = await owner.createWorkspace('Inputs');
  await owner.sandboxAccount('facebook', 'input-page', 'Input Page');
  expect((await owner.connect(ws, 'facebook', 'input-page')).searchParams.get('result')).toBe('connected');
  connectionId = (await owner.connections(ws))[0]!.connectionId;
}, 60_000);
afterAll(async () => {
  await rt?.stop();
});

type ErrorBody = { error: { code: string; message: string }; postId?: string };
const schedule = (body: Record<string, unknown>) => owner.call<ErrorBody>('POST', `/workspaces/${ws}/posts`, { connectionId, text: 'Hello', publishAt: '2020-01-01T00:00:00Z', ...body });
const refused = (r: { status: number; body: ErrorBody }) => {
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe('VALIDATION_FAILED');
  return r.body.error.message;
};

describe('publishAt (point 5)', () => {
  it('a year the due index cannot order (+010000 after the offset) is refused, and nothing publishes', async () => {
    expect(refused(await schedule({ text: 'Year 9999', publishAt: '9999-12-31T23:00:00-05:00' }))).toMatch(/too far ahead.*2 years/);
    await owner.call('POST', '/local/publish-due');
    await owner.call('POST', '/local/drain');
    const published = (await owner.call<{ posts: { text: string }[] }>('GET', '/sandbox/facebook/posts')).body.posts;
    expect(published.map((p) => p.text)).not.toContain('Year 9999');
  });

  it('more than two years ahead is refused; just under is accepted and stays scheduled', async () => {
    const now = rt.clock.now().getTime();
    const far = new Date(now + 800 * 86_400_000).toISOString();
    expect(refused(await schedule({ publishAt: far }))).toMatch(/too far ahead/);
    const near = new Date(now + 700 * 86_400_000).toISOString();
    const ok = await schedule({ text: 'Next year', publishAt: near });
    expect(ok.status).toBe(201);
    await owner.call('POST', '/local/publish-due');
    await owner.call('POST', '/local/drain');
    const post = await owner.call<{ status: string; publishAt: string }>('GET', `/workspaces/${ws}/posts/${ok.body.postId}`);
    expect(post.body).toMatchObject({ status: 'scheduled', publishAt: near });
  });

  it.each(['2026-02-30T10:00:00Z', '2026-02-29T10:00:00Z', '2027-04-31T08:00:00+02:00', '2026-13-01T00:00:00Z'])('an impossible date (%s) is refused, not rolled over', async (publishAt) => {
    refused(await schedule({ publishAt }));
  });
});

describe('mediaUrl (point 12)', () => {
  it.each([
    'javascript:alert(document.cookie)',
    'file:///etc/passwd',
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'https://169.254.169.254/latest/meta-data/',
    'https://2852039166/latest/meta-data/',
    'http://cdn.example.com/a.jpg',
    'https://localhost/a.jpg',
    'https://127.0.0.1/a.jpg',
    'https://10.1.2.3/a.jpg',
    'https://192.168.0.10/a.jpg',
    'https://172.20.0.5/a.jpg',
    'https://[::1]/a.jpg',
    'https://[::ffff:169.254.169.254]/a.jpg',
    'https://[fd00::1]/a.jpg',
    'https://[fe80::1]/a.jpg',
    'https://metadata.google.internal/computeMetadata/v1/',
    'https://intranet/a.jpg',
    'https://user:secret@cdn.example.com/a.jpg',
  ])('%s is refused with 400', async (mediaUrl) => {
    expect(refused(await schedule({ mediaUrl }))).toMatch(/mediaUrl/);
  });

  it('an https URL on a public host is accepted, and the local runtime\'s own origin (the sandbox\'s media) too', async () => {
    expect((await schedule({ mediaUrl: 'https://cdn.example.com/a.jpg' })).status).toBe(201);
    expect((await schedule({ mediaUrl: `${rt.url}/sandbox/media/a.jpg` })).status).toBe(201);
    // Only its exact origin: another port on the same loopback address is not the runtime.
    const other = new URL(rt.url);
    other.port = String(Number(other.port) + 1);
    refused(await schedule({ mediaUrl: `${other.origin}/a.jpg` }));
  });
});

describe('text and names (point 12)', () => {
  it.each([' ', '\n\t  \r\n', '\u200b\u200b', '\u3000'])('post text of only white space or invisible characters (%j) is refused', async (text) => {
    expect(refused(await schedule({ text }))).toMatch(/text/);
  });

  it.each(['\u0001\u0002', '\u0000', '\u001b\u009b', '\u007f\u0085', ' \u202e '])('a workspace or hub name of only control characters (%j) is refused', async (name) => {
    refused(await owner.call<ErrorBody>('POST', '/workspaces', { name }));
    refused(await owner.call<ErrorBody>('POST', '/hubs', { name }));
  });

  it('lone surrogates are refused in text, names and ids', async () => {
    // Sent as raw JSON: JSON.stringify would write the escape the same way.
    const post = await owner.call<ErrorBody>('POST', `/workspaces/${ws}/posts`, `{"connectionId":"${connectionId}","text":"hi \\ud800 there","publishAt":"2020-01-01T00:00:00Z"}`);
    expect(refused(post)).toMatch(/surrogate/);
    expect(refused(await owner.call<ErrorBody>('POST', '/workspaces', '{"name":"Acme \\udc00"}'))).toMatch(/surrogate/);
    refused(await owner.call<ErrorBody>('POST', `/workspaces/${ws}/posts`, `{"connectionId":"\\ud83d","text":"hi","publishAt":"2020-01-01T00:00:00Z"}`));
    // A paired surrogate (an emoji) is ordinary text.
    expect((await owner.call('POST', '/workspaces', { name: 'Acme 🚀' })).status).toBe(201);
  });
});

describe('sandbox control routes (point 12)', () => {
  it.each(['%ZZ', '%E2%82', '%'])('a bad escape in the account id (%s) answers 400, not 500', async (bad) => {
    const r = await owner.call<ErrorBody>('POST', `/sandbox/x/accounts/${bad}/revoke`, { reason: 'revoked' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect((await owner.call('POST', `/sandbox/x/accounts/${bad}/admin`, { isAdmin: false })).status).toBe(400);
  });
});
