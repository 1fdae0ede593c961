/**
 * Real answers of the local runtime against the committed documents (docs/contract/), read as JSON
 * Schema: one owner's short journey (connect, post, a revoke found by the scan, a reconnect link),
 * a few refusals, and every event it put on the bus. An answer with a key the document does not list
 * fails too (answers are documented with no additional properties).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromJSONSchema } from 'zod';
import type { LocalRuntime } from '../../../local/runtime.js';
import { ApiClient, startTestRuntime, type Answer } from '../../helpers/local-api.js';

type Schema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { $ref?: string; content?: { 'application/json': { schema: Schema } } }>;
}
const doc = JSON.parse(readFileSync('docs/contract/openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, { content: { 'application/json': { schema: Schema } } }> };
};

/** The documented body of this answer's status (exact, else its 4XX/5XX range), with the document's refs resolved. */
function documentedSchema(method: string, path: string, status: number): Schema | undefined {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in openapi.json`);
  const response = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`];
  if (!response) throw new Error(`${method} ${path}: status ${status} is not documented (${Object.keys(op.responses).join(', ')})`);
  const content = response.$ref ? doc.components.responses[response.$ref.split('/').pop() ?? '']?.content : response.content;
  const schema = content?.['application/json'].schema;
  const ref = typeof schema?.$ref === 'string' ? schema.$ref : undefined;
  return ref ? doc.components.schemas[ref.split('/').pop() ?? ''] : schema;
}

const checked: string[] = [];
function expectDocumented(method: string, path: string, answer: Answer<unknown>): void {
  const schema = documentedSchema(method, path, answer.status);
  checked.push(`${method} ${path} ${answer.status}`);
  if (!schema) {
    expect(answer.body, `${method} ${path} ${answer.status} has no documented body`).toEqual({});
    return;
  }
  const parsed = fromJSONSchema(schema).safeParse(answer.body);
  expect(parsed.error?.issues, `${method} ${path} ${answer.status}: ${JSON.stringify(answer.body)}`).toBeUndefined();
}

let rt: LocalRuntime;
let owner: ApiClient;

beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('contract-owner');
});
afterAll(async () => rt?.stop());

describe('the local runtime answers as docs/contract/openapi.json says', () => {
  it('an owner connecting, posting, losing the connection and sending a reconnect link', async () => {
    const call = async (method: string, path: string, concrete: string, body?: unknown) => {
      const answer = await owner.call<unknown>(method, concrete, body);
      expectDocumented(method, path, answer);
      return answer;
    };
    const ws = ((await call('POST', '/workspaces', '/workspaces', { name: 'Contract' })).body as { workspaceId: string }).workspaceId;
    const hubId = ((await call('POST', '/hubs', '/hubs', { name: 'Agency' })).body as { hubId: string }).hubId;
    expect((await call('POST', '/hubs/{hubId}/workspaces', `/hubs/${hubId}/workspaces`, { workspaceId: ws })).status).toBe(204);
    await call('GET', '/workspaces', '/workspaces');
    await call('GET', '/hubs', '/hubs');
    await call('GET', '/hubs/{hubId}/workspaces', `/hubs/${hubId}/workspaces`);

    await owner.sandboxAccount('facebook', 'fb-contract', 'Contract Page');
    const done = await owner.connect(ws, 'facebook', 'fb-contract');
    const connectionId = done.searchParams.get('connectionId') ?? '';
    expect(done.searchParams.get('result')).toBe('connected');

    const postId = ((await call('POST', '/workspaces/{workspaceId}/posts', `/workspaces/${ws}/posts`, { connectionId, text: 'Hello', publishAt: '2099-01-01T00:00:00Z' })).body as { postId: string })
      .postId;
    await call('PUT', '/workspaces/{workspaceId}/settings', `/workspaces/${ws}/settings`, { stalePosts: { policy: 'hold', afterHours: 12 } });
    await call('PUT', '/workspaces/{workspaceId}/notification-preferences', `/workspaces/${ws}/notification-preferences`, { email: { weeklyDigest: false } });
    await call('GET', '/workspaces/{workspaceId}/notification-preferences', `/workspaces/${ws}/notification-preferences`);

    // The revoke, found by the next day's scan: an expired row, an alert, history.
    await owner.call('POST', `/sandbox/facebook/accounts/fb-contract/revoke`, { reason: 'password_changed' });
    await owner.call('POST', '/local/clock', { advanceDays: 1 });
    await owner.login('contract-owner');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');

    const rows = (await call('GET', '/workspaces/{workspaceId}/connections', `/workspaces/${ws}/connections`)).body as { connections: { status: string }[] };
    expect(rows.connections.map((c) => c.status)).toEqual(['expired']);
    await call('GET', '/workspaces/{workspaceId}/posts/{postId}', `/workspaces/${ws}/posts/${postId}`);
    await call('GET', '/workspaces/{workspaceId}/posts', `/workspaces/${ws}/posts?limit=1`);
    expect(((await call('GET', '/workspaces/{workspaceId}/alerts', `/workspaces/${ws}/alerts`)).body as { alerts: unknown[] }).alerts).not.toEqual([]);
    await call('POST', '/workspaces/{workspaceId}/connections/{connectionId}/reconnect-link', `/workspaces/${ws}/connections/${connectionId}/reconnect-link`, { email: 'admin@example.test' });
    const history = (await call('GET', '/workspaces/{workspaceId}/connections/{connectionId}/history', `/workspaces/${ws}/connections/${connectionId}/history`)).body as { events: { type: string }[] };
    expect(history.events.map((e) => e.type)).toEqual(expect.arrayContaining(['connected', 'expired', 'link_created']));
    expect((await call('DELETE', '/workspaces/{workspaceId}/connections/{connectionId}/reconnect-link', `/workspaces/${ws}/connections/${connectionId}/reconnect-link`)).status).toBe(204);
    await call('POST', '/workspaces/{workspaceId}/connections/{connectionId}/reconnect', `/workspaces/${ws}/connections/${connectionId}/reconnect`);
    await call('GET', '/platform-status', '/platform-status');

    // Refusals carry the documented error body.
    expect((await call('POST', '/workspaces', '/workspaces', { name: '' })).status).toBe(400);
    expect((await call('GET', '/workspaces/{workspaceId}/connections', '/workspaces/nobody-s/connections')).status).toBe(404);
    expect((await call('POST', '/workspaces/{workspaceId}/connections', `/workspaces/${ws}/connections`, { platform: 'myspace' })).status).toBe(400);
    expect(checked.length).toBeGreaterThan(20);
  });

  it('every event put on the bus matches the schema of its detail-type, with schemaVersion 1', async () => {
    const events = (await owner.call<{ events: { 'detail-type': string; detail: { schemaVersion?: number } }[] }>('GET', '/local/events')).body.events;
    expect(events.map((e) => e['detail-type'])).toEqual(expect.arrayContaining(['connection.connected', 'connection.expired']));
    for (const event of events) {
      const schema = JSON.parse(readFileSync(`docs/contract/events/${event['detail-type']}.schema.json`, 'utf8')) as Schema;
      const parsed = fromJSONSchema(schema).safeParse(event);
      expect(parsed.error?.issues, JSON.stringify(event)).toBeUndefined();
      expect(event.detail.schemaVersion).toBe(1);
    }
  });
});
