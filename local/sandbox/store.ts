import { randomBytes } from 'node:crypto';
import type { ExpiryReason } from '../../shared/config/events.js';
import type { Platform } from '../../shared/config/platforms.js';
import type { Clock } from '../../shared/ports/misc.js';

/**
 * The sandbox's memory: accounts, the codes and tokens it issued, what was published. Token
 * validity is decided here once for every platform; each platform's wire file turns a problem into
 * that platform's own error body.
 */
export interface SandboxAccount {
  platform: Platform;
  externalAccountId: string;
  name: string;
  isAdmin: boolean;
  /** Facebook: the person's tasks on the Page, when set explicitly (else `isAdmin` maps to all tasks or ANALYZE). */
  tasks?: string[];
  /** Tokens with a sequence number below this fail with `revokeReason`. */
  revokedSeq?: number;
  revokeReason?: ExpiryReason;
  /** Last successful authenticated call or consent (Facebook/Instagram drop grants idle 90 days). */
  lastUsedAt: number;
  /** LinkedIn: the consent the current refresh-token chain belongs to (365 days, not extended by refresh). */
  consentStartedAt?: number;
}

export type TokenKind = 'short' | 'access' | 'refresh' | 'page';

export interface IssuedToken {
  value: string;
  platform: Platform;
  accountId: string;
  kind: TokenKind;
  seq: number;
  issuedAt: number;
  /** Epoch ms; undefined = no expiry of its own. */
  expiresAt?: number;
  /** Rotated refresh tokens and redeemed short-lived tokens cannot be used again. */
  spent?: boolean;
  scopes: string[];
}

export interface AuthCode {
  value: string;
  platform: Platform;
  accountId: string;
  clientId: string;
  redirectUri: string;
  challenge?: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface SandboxPost {
  externalAccountId: string;
  text: string;
  platformPostId: string;
  mediaUrl?: string;
}

/** What the platform thinks of our app itself (`POST /sandbox/{platform}/app`). */
export const SANDBOX_APP_STATES = ['ok', 'permission_revoked', 'version_retired'] as const;
export type SandboxAppState = (typeof SANDBOX_APP_STATES)[number];

export type TokenProblem =
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'revoked'; reason: ExpiryReason };

export type TokenCheck = { ok: true; token: IssuedToken; account: SandboxAccount } | { ok: false; problem: TokenProblem };

export type CodeProblem = 'unknown' | 'used' | 'expired' | 'client' | 'redirect' | 'verifier';

/** Everything the sandbox remembers, as plain JSON (kept in the data folder by `npm start -- --data DIR`). */
export interface SandboxSnapshot {
  version: 1;
  accounts: SandboxAccount[];
  tokens: IssuedToken[];
  codes: AuthCode[];
  posts: Partial<Record<Platform, SandboxPost[]>>;
  down: Platform[];
  /** Platforms whose app is refused (absent in older snapshots). */
  app?: Partial<Record<Platform, SandboxAppState>>;
  seq: number;
  ids: number;
}

const DAY_MS = 86_400_000;
/** Meta drops an app's access after 90 days without engagement (190/493). */
const INACTIVITY_MS: Partial<Record<Platform, number>> = { facebook: 90 * DAY_MS, instagram: 90 * DAY_MS };

export class SandboxStore {
  private readonly accounts = new Map<string, SandboxAccount>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly posts = new Map<Platform, SandboxPost[]>();
  private readonly down = new Set<Platform>();
  private readonly app = new Map<Platform, SandboxAppState>();
  private readonly requests = new Map<Platform, number>();
  private seq = 0;
  private ids = 0;

  constructor(readonly clock: Clock) {}

  /** What a restart needs: accounts, the tokens and codes issued (so connections keep working), posts, outages. */
  snapshot(): SandboxSnapshot {
    return {
      version: 1,
      accounts: [...this.accounts.values()],
      tokens: [...this.tokens.values()],
      codes: [...this.codes.values()].filter((c) => !c.used && c.expiresAt > this.now()),
      posts: Object.fromEntries(this.posts),
      down: [...this.down],
      app: Object.fromEntries(this.app),
      seq: this.seq,
      ids: this.ids,
    };
  }

  /** Takes back a snapshot (on an empty store, at start). */
  restore(snapshot: SandboxSnapshot): void {
    for (const a of snapshot.accounts) this.accounts.set(key(a.platform, a.externalAccountId), { ...a });
    for (const t of snapshot.tokens) this.tokens.set(t.value, { ...t });
    for (const c of snapshot.codes) this.codes.set(c.value, { ...c });
    for (const [platform, posts] of Object.entries(snapshot.posts) as [Platform, SandboxPost[]][]) this.posts.set(platform, [...posts]);
    for (const p of snapshot.down) this.down.add(p);
    for (const [p, state] of Object.entries(snapshot.app ?? {}) as [Platform, SandboxAppState][]) this.setAppState(p, state);
    this.seq = Math.max(this.seq, snapshot.seq);
    this.ids = Math.max(this.ids, snapshot.ids);
  }

  now(): number {
    return this.clock.now().getTime();
  }

  // ---- accounts -----------------------------------------------------------------------------

  upsertAccount(platform: Platform, input: { externalAccountId: string; name: string; isAdmin: boolean; tasks?: string[] }): { account: SandboxAccount; created: boolean } {
    const existing = this.account(platform, input.externalAccountId);
    if (existing) {
      existing.name = input.name;
      existing.isAdmin = input.isAdmin;
      existing.tasks = input.tasks;
      return { account: existing, created: false };
    }
    const { tasks, ...rest } = input;
    const account: SandboxAccount = { platform, ...rest, ...(tasks ? { tasks } : {}), lastUsedAt: this.now() };
    this.accounts.set(key(platform, input.externalAccountId), account);
    return { account, created: true };
  }

  account(platform: Platform, id: string): SandboxAccount | undefined {
    return this.accounts.get(key(platform, id));
  }

  listAccounts(platform: Platform): SandboxAccount[] {
    return [...this.accounts.values()].filter((a) => a.platform === platform);
  }

  /** Every token issued for this account until now fails with `reason`; a new sign-in works again. */
  revoke(account: SandboxAccount, reason: ExpiryReason): void {
    account.revokedSeq = ++this.seq;
    account.revokeReason = reason;
    account.consentStartedAt = undefined;
  }

  /** A sign-in (consent) happened: the account is engaged; LinkedIn starts a consent period if none is running. */
  consented(account: SandboxAccount, consentPeriodMs: number | undefined, restartPeriod: boolean): void {
    const now = this.now();
    account.lastUsedAt = now;
    if (consentPeriodMs === undefined) return;
    const running = account.consentStartedAt !== undefined && account.consentStartedAt + consentPeriodMs > now;
    if (!running || restartPeriod) account.consentStartedAt = now;
  }

  // ---- codes --------------------------------------------------------------------------------

  issueCode(input: Omit<AuthCode, 'value' | 'used' | 'expiresAt'> & { ttlSeconds: number }): AuthCode {
    const { ttlSeconds, ...rest } = input;
    const code: AuthCode = { ...rest, value: randomToken(`${input.platform}c`), used: false, expiresAt: this.now() + ttlSeconds * 1000 };
    this.codes.set(code.value, code);
    return code;
  }

  /** Single use: the first attempt on a code consumes it, whatever its outcome. */
  redeemCode(
    platform: Platform,
    value: string | undefined,
    check: { clientId?: string; redirectUri?: string; verifier?: (challenge: string | undefined) => boolean },
  ): { ok: true; code: AuthCode; account: SandboxAccount } | { ok: false; problem: CodeProblem } {
    const code = value === undefined ? undefined : this.codes.get(value);
    if (!code || code.platform !== platform) return { ok: false, problem: 'unknown' };
    if (code.used) return { ok: false, problem: 'used' };
    code.used = true;
    if (code.expiresAt <= this.now()) return { ok: false, problem: 'expired' };
    if (check.clientId !== undefined && check.clientId !== code.clientId) return { ok: false, problem: 'client' };
    if (check.redirectUri !== undefined && check.redirectUri !== code.redirectUri) return { ok: false, problem: 'redirect' };
    if (check.verifier && !check.verifier(code.challenge)) return { ok: false, problem: 'verifier' };
    const account = this.account(platform, code.accountId);
    if (!account) return { ok: false, problem: 'unknown' };
    return { ok: true, code, account };
  }

  // ---- tokens -------------------------------------------------------------------------------

  issueToken(account: SandboxAccount, kind: TokenKind, lifetimeSeconds: number | undefined, scopes: string[]): IssuedToken {
    const now = this.now();
    const prefix = { facebook: 'EAA', instagram: 'IGAA', linkedin: 'AQ', tiktok: kind === 'refresh' ? 'rft.' : 'act.', x: '' }[account.platform];
    const token: IssuedToken = {
      value: randomToken(`${prefix}${kind[0] ?? ''}`),
      platform: account.platform,
      accountId: account.externalAccountId,
      kind,
      seq: ++this.seq,
      issuedAt: now,
      expiresAt: lifetimeSeconds === undefined ? undefined : now + lifetimeSeconds * 1000,
      scopes,
    };
    this.tokens.set(token.value, token);
    return token;
  }

  /** Seconds left, rounded down (what `expires_in` says). */
  secondsLeft(token: IssuedToken): number {
    return token.expiresAt === undefined ? 0 : Math.max(0, Math.floor((token.expiresAt - this.now()) / 1000));
  }

  /**
   * Is this token good for `platform` now? Order: unknown/spent -> revoked (issued before the
   * account's revoke) -> idle too long (Facebook/Instagram: becomes a revoke for `inactivity`) ->
   * expired. A successful check counts as engagement unless `touch` is false.
   */
  checkToken(platform: Platform, value: string | undefined, kinds: readonly TokenKind[], touch = true): TokenCheck {
    const token = value === undefined ? undefined : this.tokens.get(value);
    if (!token || token.platform !== platform || !kinds.includes(token.kind) || token.spent) return { ok: false, problem: { kind: 'invalid' } };
    const account = this.account(platform, token.accountId);
    if (!account) return { ok: false, problem: { kind: 'invalid' } };
    const now = this.now();
    const idleLimit = INACTIVITY_MS[platform];
    if (idleLimit !== undefined && now - account.lastUsedAt > idleLimit && (account.revokedSeq === undefined || token.seq >= account.revokedSeq)) {
      this.revoke(account, 'inactivity');
    }
    if (account.revokedSeq !== undefined && token.seq < account.revokedSeq) {
      return { ok: false, problem: { kind: 'revoked', reason: account.revokeReason ?? 'unknown' } };
    }
    if (token.expiresAt !== undefined && token.expiresAt <= now) return { ok: false, problem: { kind: 'expired' } };
    if (touch) account.lastUsedAt = now;
    return { ok: true, token, account };
  }

  spend(token: IssuedToken): void {
    token.spent = true;
  }

  // ---- posts, outage, counters ----------------------------------------------------------------

  nextId(): string {
    this.ids += 1;
    return `${Date.now() % 1_000_000_000}${String(this.ids).padStart(6, '0')}`;
  }

  record(platform: Platform, post: SandboxPost): void {
    const list = this.posts.get(platform) ?? [];
    list.push(post);
    this.posts.set(platform, list);
  }

  listPosts(platform: Platform): SandboxPost[] {
    return [...(this.posts.get(platform) ?? [])];
  }

  lastPostText(platform: Platform, externalAccountId: string): string | undefined {
    return this.listPosts(platform).filter((p) => p.externalAccountId === externalAccountId).at(-1)?.text;
  }

  setDown(platform: Platform, down: boolean): void {
    if (down) this.down.add(platform);
    else this.down.delete(platform);
  }

  isDown(platform: Platform): boolean {
    return this.down.has(platform);
  }

  setAppState(platform: Platform, state: SandboxAppState): void {
    if (state === 'ok') this.app.delete(platform);
    else this.app.set(platform, state);
  }

  appState(platform: Platform): SandboxAppState {
    return this.app.get(platform) ?? 'ok';
  }

  countRequest(platform: Platform): void {
    this.requests.set(platform, (this.requests.get(platform) ?? 0) + 1);
  }

  requestCount(platform: Platform): number {
    return this.requests.get(platform) ?? 0;
  }

  resetRequestCounts(): void {
    this.requests.clear();
  }

  tokenCount(platform: Platform): number {
    return [...this.tokens.values()].filter((t) => t.platform === platform).length;
  }
}

function key(platform: Platform, id: string): string {
  return `${platform}\u0000${id}`;
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}
