/** A minimal client of a local runtime for the benchmarks: sign in, workspaces, sandbox accounts, connect. */
export class BenchClient {
  private token = '';

  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extraHeaders },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.call(method, path, body)).json()) as T;
  }

  async login(userId: string): Promise<string> {
    this.token = (await this.json<{ token: string }>('POST', '/local/login', { userId, email: `${userId}@example.com` })).token;
    return this.token;
  }

  async workspace(name: string): Promise<string> {
    return (await this.json<{ workspaceId: string }>('POST', '/workspaces', { name })).workspaceId;
  }

  /** Creates the sandbox account and connects it through the sandbox's authorize form, in one browser (its binding cookie). */
  async connect(workspaceId: string, platform: string, account: string): Promise<string> {
    await this.call('POST', `/sandbox/${platform}/accounts`, { externalAccountId: account, name: account, isAdmin: true });
    const started = await this.call('POST', `/workspaces/${workspaceId}/connections`, { platform });
    const { authorizeUrl } = (await started.json()) as { authorizeUrl: string };
    const cookie = started.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const toCallback = (await fetch(`${authorizeUrl}&account=${encodeURIComponent(account)}&consent=allow`, { redirect: 'manual' })).headers.get('location') ?? '';
    const landed = (await fetch(toCallback, { redirect: 'manual', headers: cookie ? { cookie } : {} })).headers.get('location') ?? '';
    return new URL(landed).searchParams.get('connectionId') ?? '';
  }
}
