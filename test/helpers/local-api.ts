import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime.js';
import type { Platform } from '../../shared/config/platforms.js';
import { Http, type Answer as HttpAnswer } from '../acceptance/contract-client.js';

export type { ConnectionRow } from '../acceptance/contract-client.js';
import type { ConnectionRow } from '../acceptance/contract-client.js';

/** A local runtime on a free port, with quick retries and no background timers (tests drive time). */
export async function startTestRuntime(opts: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  return startLocalRuntime({ port: 0, dailyScan: false, publishDueEveryMs: 0, visibilityTimeoutSeconds: 1, ...opts });
}

/** The one answer type (with the raw text); an empty body reads as {} here. */
export type Answer<T = Record<string, unknown>> = HttpAnswer<T>;

/** Convenience calls over the acceptance suite's Http client (contract-client.ts); one client is one browser (its own cookies). */
export class ApiClient {
  token = '';
  context: string | undefined;
  /** The one HTTP client of the tests (its cookie jar is this browser's). */
  readonly http: Http;

  constructor(readonly base: string) {
    this.http = new Http(base);
  }

  get jar() {
    return this.http.jar;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const a = await this.http.call<T>(method, path, body, {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...(this.context ? { 'x-workspace-context': this.context } : {}),
      ...headers,
    });
    return { ...a, body: (a.body ?? {}) as T };
  }

  async login(userId: string, email = `${userId}@example.com`): Promise<this> {
    const r = await this.call<{ token: string }>('POST', '/local/login', { userId, email });
    this.token = r.body.token;
    return this;
  }

  async createWorkspace(name = 'Acme'): Promise<string> {
    const r = await this.call<{ workspaceId: string }>('POST', '/workspaces', { name });
    if (r.status !== 201) throw new Error(`create workspace: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.workspaceId;
  }

  async sandboxAccount(platform: Platform, externalAccountId: string, name: string, isAdmin = true): Promise<void> {
    const r = await this.call('POST', `/sandbox/${platform}/accounts`, { externalAccountId, name, isAdmin });
    if (r.status >= 300) throw new Error(`sandbox account: ${r.status}`);
  }

  /** Follows the sandbox's automatic authorize form and returns the callback's redirect (to the dashboard). */
  async authorize(authorizeUrl: string, account: string, consent: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const sep = authorizeUrl.includes('?') ? '&' : '?';
    const toCallback = await fetch(`${authorizeUrl}${sep}account=${encodeURIComponent(account)}&consent=${consent}`, { redirect: 'manual' });
    const callback = toCallback.headers.get('location');
    if (!callback) throw new Error(`authorize gave no redirect (${toCallback.status})`);
    return this.followCallback(callback);
  }

  async followCallback(callbackUrl: string): Promise<URL> {
    const res = await this.jar.fetch(callbackUrl, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw new Error(`callback answered ${res.status}`);
    return new URL(location);
  }

  async connect(ws: string, platform: Platform, account: string, consent: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const r = await this.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform });
    if (r.status !== 201) throw new Error(`start connect: ${r.status} ${JSON.stringify(r.body)}`);
    return this.authorize(r.body.authorizeUrl, account, consent);
  }

  async reconnect(ws: string, connectionId: string, account: string, consent: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const r = await this.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections/${connectionId}/reconnect`);
    if (r.status !== 200) throw new Error(`start reconnect: ${r.status} ${JSON.stringify(r.body)}`);
    return this.authorize(r.body.authorizeUrl, account, consent);
  }

  async connections(ws: string): Promise<ConnectionRow[]> {
    return (await this.call<{ connections: ConnectionRow[] }>('GET', `/workspaces/${ws}/connections`)).body.connections;
  }
}
