/**
 * A black-box client of the contract's HTTP surface (../../../shared/design/CONTRACT.md), for the
 * acceptance suite. It knows nothing of the implementation: only URLs, JSON bodies and headers.
 */
import { expect } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';

export const PLATFORMS = ['facebook', 'instagram', 'linkedin', 'tiktok', 'x'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const REASONS = ['password_changed', 'security_review', 'policy_update', 'inactivity', 'token_expired', 'admin_role_lost', 'revoked', 'unknown'] as const;
export type Reason = (typeof REASONS)[number];
/** Platforms that need a media URL to publish. */
export const NEEDS_MEDIA: readonly Platform[] = ['instagram', 'tiktok'];
/** Platforms with a Page / Company Page admin role. */
export const HAS_ADMIN_ROLE: readonly Platform[] = ['facebook', 'instagram', 'linkedin'];
/** Platforms using PKCE (S256). */
export const PKCE: readonly Platform[] = ['x', 'tiktok'];

export interface Answer<T> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** A Connected Accounts row as the contract gives it: the one row type of every test client. */
export interface ConnectionRow {
  connectionId: string;
  platform: Platform;
  externalAccountId: string;
  displayName: string;
  status: string;
  badge: string;
  reason?: string;
  guidance?: string;
  expiresAt?: string;
  lastCheckedAt?: string;
  errorCode?: string;
  platformMessage?: string;
  platformOutageSuspected?: boolean;
  platformStatus?: string;
  postsAtRisk?: { count: number; nextPublishAt?: string };
}

export interface PostView {
  postId: string;
  connectionId: string;
  status: string;
  attempts: number;
  platformPostId?: string;
  lastError?: unknown;
  publishAt?: string;
}

export interface Alert {
  alertId: string;
  kind: string;
  connectionId?: string;
  postId?: string;
  message: string;
  createdAt: string;
  resolvedAt?: string;
}

export interface BusEvent {
  source: string;
  time?: string;
  'detail-type': string;
  detail: { workspaceId: string; connectionId: string; platform: string; reason?: string; occurredAt: string; episodeId: string };
}

export interface Email {
  to: string | string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

export interface SandboxPost {
  externalAccountId: string;
  text: string;
  platformPostId: string;
}

export interface ScanAnswer {
  checked: number;
  expired: number;
  expiring: number;
  refreshed: number;
}

let counter = 0;
/** A unique, URL-safe id for this run. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Raw HTTP against the system, from one browser: it keeps the cookies the system sets (a sign-in finishes only where it started). */
export class Http {
  readonly jar = new CookieJar();
  constructor(readonly base: string) {}

  async call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const res = await this.jar.fetch(url, {
      method,
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  }
}

/** Asserts the contract's error shape and code. */
export function expectError(a: Answer<unknown>, status: number, code: string): void {
  expect({ status: a.status, body: a.body }, `expected ${status} ${code}, got ${a.status} ${a.text}`).toMatchObject({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  const body = a.body as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(a.headers.get('content-type') ?? '').toMatch(/application\/json/);
}

/** The local-runtime and sandbox routes (no auth). */
export class Local {
  /** Bumped on every clock move: session tokens may age with the clock. */
  generation = 0;
  constructor(readonly http: Http) {}

  async advanceDays(days: number): Promise<string> {
    const r = await this.http.call<{ now?: string }>('POST', '/local/clock', { advanceDays: days });
    expect(r.status, r.text).toBeLessThan(300);
    this.generation += 1;
    return r.body?.now ?? '';
  }
  async advanceMinutes(minutes: number): Promise<string> {
    return this.advanceDays(minutes / (24 * 60));
  }
  async now(): Promise<string> {
    const r = await this.http.call<{ now: string }>('GET', '/local/clock');
    return r.body.now;
  }
  async scan(): Promise<ScanAnswer> {
    const r = await this.http.call<ScanAnswer>('POST', '/local/scan');
    expect(r.status, r.text).toBe(200);
    return r.body;
  }
  async publishDue(): Promise<void> {
    const r = await this.http.call('POST', '/local/publish-due');
    expect(r.status, r.text).toBeLessThan(300);
  }
  async drain(): Promise<void> {
    const r = await this.http.call('POST', '/local/drain');
    expect(r.status, r.text).toBeLessThan(300);
  }
  async events(): Promise<BusEvent[]> {
    const r = await this.http.call<{ events: BusEvent[] }>('GET', '/local/events');
    expect(r.status).toBe(200);
    return r.body.events;
  }
  async eventsOf(connectionId: string, type?: string): Promise<BusEvent[]> {
    return (await this.events()).filter((e) => e.detail?.connectionId === connectionId && (type === undefined || e['detail-type'] === type));
  }
  async outbox(): Promise<Email[]> {
    const r = await this.http.call<{ emails: Email[] }>('GET', '/local/outbox');
    expect(r.status).toBe(200);
    return r.body.emails;
  }
  async emailsTo(address: string): Promise<Email[]> {
    return (await this.outbox()).filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t.toLowerCase().includes(address.toLowerCase())));
  }

  // sandbox
  async account(platform: Platform, externalAccountId: string, name: string, isAdmin = true): Promise<void> {
    const r = await this.http.call('POST', `/sandbox/${platform}/accounts`, { externalAccountId, name, isAdmin });
    expect(r.status, r.text).toBeLessThan(300);
  }
  async revoke(platform: Platform, externalAccountId: string, reason: Reason): Promise<void> {
    const r = await this.http.call('POST', `/sandbox/${platform}/accounts/${externalAccountId}/revoke`, { reason });
    expect(r.status, r.text).toBeLessThan(300);
  }
  async setAdmin(platform: Platform, externalAccountId: string, isAdmin: boolean): Promise<void> {
    const r = await this.http.call('POST', `/sandbox/${platform}/accounts/${externalAccountId}/admin`, { isAdmin });
    expect(r.status, r.text).toBeLessThan(300);
  }
  async outage(platform: Platform, down: boolean): Promise<void> {
    const r = await this.http.call('POST', `/sandbox/${platform}/outage`, { down });
    expect(r.status, r.text).toBeLessThan(300);
  }
  async sandboxPosts(platform: Platform): Promise<SandboxPost[]> {
    const r = await this.http.call<{ posts: SandboxPost[] }>('GET', `/sandbox/${platform}/posts`);
    expect(r.status).toBe(200);
    return r.body.posts;
  }

  /** Signs in at the sandbox's authorize page; returns the callback URL it redirects to. */
  async authorize(authorizeUrl: string, account: string, consent: 'allow' | 'deny' = 'allow'): Promise<string> {
    const sep = authorizeUrl.includes('?') ? '&' : '?';
    const res = await fetch(`${authorizeUrl}${sep}account=${encodeURIComponent(account)}&consent=${consent}`, { redirect: 'manual' });
    const location = res.headers.get('location');
    expect(res.status, `authorize answered ${res.status} ${location ?? ''}`).toBe(302);
    if (!location) throw new Error('authorize gave no Location');
    return new URL(location, authorizeUrl).toString();
  }

  /** Follows the callback; asserts the 302 to the dashboard and returns the dashboard URL. */
  async callback(callbackUrl: string): Promise<URL> {
    const res = await this.http.jar.fetch(callbackUrl, { redirect: 'manual' });
    const location = res.headers.get('location');
    expect(res.status, `callback answered ${res.status} ${location ?? ''}`).toBe(302);
    if (!location) throw new Error('callback gave no Location');
    const url = new URL(location, this.http.base);
    expect(url.pathname.startsWith('/app')).toBe(true);
    return url;
  }
}

/** A signed-in person (owner or hub admin); signs in again after the clock moves. */
export class User {
  private token = '';
  private generation = -1;
  context: string | undefined;

  constructor(
    readonly local: Local,
    readonly userId: string,
    readonly email: string = `${userId}@example.test`,
  ) {}

  get http(): Http {
    return this.local.http;
  }

  async bearer(): Promise<string> {
    if (this.generation !== this.local.generation) {
      const r = await this.http.call<{ token: string }>('POST', '/local/login', { userId: this.userId, email: this.email });
      expect(r.status, r.text).toBe(200);
      expect(typeof r.body.token).toBe('string');
      this.token = r.body.token;
      this.generation = this.local.generation;
    }
    return this.token;
  }

  async call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const send = async (): Promise<Answer<T>> => {
      const auth = { authorization: `Bearer ${await this.bearer()}`, ...(this.context ? { 'x-workspace-context': this.context } : {}) };
      return this.http.call<T>(method, path, body, { ...auth, ...headers });
    };
    const tokenGeneration = this.local.generation;
    const first = await send();
    // Another test moved the shared clock while this request was in flight: the token may have aged
    // (the contract allows it); sign in again once. A 401 with no clock move in between stands.
    if (first.status === 401 && this.local.generation !== tokenGeneration) return send();
    return first;
  }

  async createWorkspace(name = 'Acme', hubId?: string): Promise<string> {
    const r = await this.call<{ workspaceId: string }>('POST', '/workspaces', { name, ...(hubId ? { hubId } : {}) });
    expect(r.status, r.text).toBe(201);
    return r.body.workspaceId;
  }

  async startConnect(ws: string, platform: Platform): Promise<string> {
    const r = await this.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections`, { platform });
    expect(r.status, r.text).toBe(201);
    return r.body.authorizeUrl;
  }

  async startReconnect(ws: string, connectionId: string): Promise<string> {
    const r = await this.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections/${connectionId}/reconnect`);
    expect(r.status, r.text).toBe(200);
    return r.body.authorizeUrl;
  }

  /** The whole connect flow; returns the dashboard URL. */
  async connect(ws: string, platform: Platform, account: string, consent: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const url = await this.startConnect(ws, platform);
    return this.local.callback(await this.local.authorize(url, account, consent));
  }

  /** Connects and asserts success; returns the new connectionId. */
  async connected(ws: string, platform: Platform, account: string): Promise<string> {
    const done = await this.connect(ws, platform, account);
    expect(done.searchParams.get('result'), done.toString()).toBe('connected');
    const id = done.searchParams.get('connectionId');
    expect(id).toMatch(/\S/);
    return id ?? '';
  }

  async reconnect(ws: string, connectionId: string, account: string, consent: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const url = await this.startReconnect(ws, connectionId);
    return this.local.callback(await this.local.authorize(url, account, consent));
  }

  async connections(ws: string): Promise<ConnectionRow[]> {
    const r = await this.call<{ connections: ConnectionRow[] }>('GET', `/workspaces/${ws}/connections`);
    expect(r.status, r.text).toBe(200);
    return r.body.connections;
  }

  async connection(ws: string, connectionId: string): Promise<ConnectionRow | undefined> {
    return (await this.connections(ws)).find((c) => c.connectionId === connectionId);
  }

  async schedule(ws: string, connectionId: string, platform: Platform, text: string, publishAt: string): Promise<string> {
    const body = {
      connectionId,
      text,
      publishAt,
      ...(NEEDS_MEDIA.includes(platform) ? { mediaUrl: 'https://cdn.example.test/clip.mp4' } : {}),
      ...(platform === 'tiktok' ? { tiktok: { privacyLevel: 'PUBLIC_TO_EVERYONE' } } : {}),
    };
    const r = await this.call<{ postId: string; status: string }>('POST', `/workspaces/${ws}/posts`, body);
    expect(r.status, r.text).toBe(201);
    expect(r.body).toEqual({ postId: expect.any(String), status: 'scheduled' });
    return r.body.postId;
  }

  async post(ws: string, postId: string): Promise<PostView> {
    const r = await this.call<PostView>('GET', `/workspaces/${ws}/posts/${postId}`);
    expect(r.status, r.text).toBe(200);
    return r.body;
  }

  async alerts(ws: string): Promise<Alert[]> {
    const r = await this.call<{ alerts: Alert[] }>('GET', `/workspaces/${ws}/alerts`);
    expect(r.status, r.text).toBe(200);
    return r.body.alerts;
  }
}

/** A time well in the past on any clock. */
export const PAST = '2020-01-01T00:00:00.000Z';
