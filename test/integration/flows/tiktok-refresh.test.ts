import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithConnectedAccount } from '../../helpers/connected-account.js';

/**
 * TikTok's error doc: access_token_invalid means "refresh the token and retry". The publisher
 * refreshes once (keeping the rotated tokens) and publishes; only a refused refresh expires the
 * connection. The first `invalidAnswers` creator_info calls get TikTok's access_token_invalid body.
 */
let invalidAnswers = 0;
const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
  if (invalidAnswers > 0 && new URL(String(input)).pathname.endsWith('/v2/post/publish/creator_info/query/')) {
    invalidAnswers -= 1;
    const body = { data: {}, error: { code: 'access_token_invalid', message: 'The access token is invalid or not found in the request.', log_id: '20220829194722CBE87ED59D524E727021' } };
    return new Response(JSON.stringify(body), { status: 401, headers: { 'content-type': 'application/json' } });
  }
  return fetch(input, init);
}) as typeof fetch;

let env: Awaited<ReturnType<typeof startWithConnectedAccount>>;
beforeAll(async () => {
  env = await startWithConnectedAccount({ userId: 'tt-owner', email: 'owner@tiktok.test', workspace: 'TikTok', platform: 'tiktok', account: 'tt-acct', accountName: 'Acme TikTok' }, { fetchImpl });
});
afterAll(async () => {
  await env.rt.stop();
});

async function schedule(text: string): Promise<string> {
  const r = await env.owner.call<{ postId: string }>('POST', `/workspaces/${env.ws}/posts`, {
    connectionId: env.connectionId,
    text,
    publishAt: '2020-01-01T00:00:00Z',
    mediaUrl: 'https://cdn.example.test/a.jpg',
    tiktok: { privacyLevel: 'PUBLIC_TO_EVERYONE' },
  });
  expect(r.status).toBe(201);
  return r.body.postId;
}

const stored = () => env.rt.deps.store.connections.get(env.ws, env.connectionId);

describe('TikTok access_token_invalid: refresh and retry before deciding', () => {
  it('one refusal: the publisher refreshes (rotated tokens saved), publishes, and the connection stays active', async () => {
    const before = await stored();
    invalidAnswers = 1;
    const postId = await schedule('refresh then publish');
    await env.publishDue();
    expect(await env.post(postId)).toMatchObject({ status: 'published' });
    expect(await env.published()).toContain('refresh then publish');
    const after = await stored();
    expect(after?.status).toBe('active');
    expect(after?.tokens?.ciphertext).not.toBe(before?.tokens?.ciphertext);
    expect(invalidAnswers).toBe(0);
  });

  it('refused again with the fresh token: expired (revoked) after exactly one refresh, the post waits for the reconnect', async () => {
    invalidAnswers = 2;
    const postId = await schedule('refused twice');
    await env.publishDue();
    expect(invalidAnswers).toBe(0);
    expect(await env.post(postId)).toMatchObject({ status: 'failed' });
    expect(await stored()).toMatchObject({ status: 'expired', reason: 'revoked' });
  });
});
