import { expect } from 'vitest';
import type { LocalRuntime, LocalRuntimeOptions } from '../../local/runtime.js';
import type { ConnectionEventDetail } from '../../shared/config/events.js';
import type { Platform } from '../../shared/config/platforms.js';
import { ApiClient, startTestRuntime } from './local-api.js';

export interface OutboxEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface BusEvent {
  'detail-type': string;
  detail: ConnectionEventDetail;
}

export interface ConnectedAccountSetup {
  userId: string;
  email: string;
  workspace: string;
  platform: Platform;
  account: string;
  accountName: string;
}

/**
 * A runtime with an owner, a workspace and one connected sandbox account, plus the few calls the
 * publish / retry / email flow tests make about it. The caller stops the runtime.
 */
export async function startWithConnectedAccount(setup: ConnectedAccountSetup, opts: LocalRuntimeOptions = {}) {
  const { platform, account } = setup;
  const rt: LocalRuntime = await startTestRuntime(opts);
  const owner = await new ApiClient(rt.url).login(setup.userId, setup.email);
  const ws = await owner.createWorkspace(setup.workspace);
  await owner.sandboxAccount(platform, account, setup.accountName);
  expect((await owner.connect(ws, platform, account)).searchParams.get('result')).toBe('connected');
  const [c] = await owner.connections(ws);
  const connectionId = c!.connectionId;
  const drain = async () => {
    await owner.call('POST', '/local/drain');
  };
  const schedule = async (text: string) => {
    const r = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId, text, publishAt: '2020-01-01T00:00:00Z' });
    expect(r.status).toBe(201);
    return r.body.postId;
  };
  const publishDue = async () => {
    await owner.call('POST', '/local/publish-due');
    await drain();
  };
  const post = async (postId: string) => (await owner.call<{ status: string }>('GET', `/workspaces/${ws}/posts/${postId}`)).body;
  const published = async () => (await owner.call<{ posts: { text: string }[] }>('GET', `/sandbox/${platform}/posts`)).body.posts.map((p) => p.text).sort();
  const outbox = async () => (await owner.call<{ emails: OutboxEmail[] }>('GET', '/local/outbox')).body.emails;
  const events = async () => (await owner.call<{ events: BusEvent[] }>('GET', '/local/events')).body.events.filter((e) => e.detail.connectionId === connectionId);
  return { rt, owner, ws, account, connectionId, drain, schedule, publishDue, post, published, outbox, events };
}
