import { PLATFORMS, type Platform } from '../../shared/config/platforms.js';
import { policyFor } from '../../shared/domain/platform-policy.js';
import type { Clock } from '../../shared/ports/misc.js';
import type { PlatformAdapter, PlatformFailure, PlatformIdentity, PlatformRegistry, PlatformResponse, PlatformResult, TokenSet } from '../../shared/ports/platform.js';

type Op = 'exchangeCode' | 'refresh' | 'identify' | 'checkAccess' | 'publish';

/**
 * One platform as the adapters present it: signs in as `account`, answers every call with success
 * unless a failure was queued for that call (`failNext`), and keeps the calls it got (so a test can
 * say "no platform call was made"). Refresh issues new tokens (and a new refresh token: rotation);
 * whether it refreshes or uses PKCE is the platform's policy, as in the real adapters.
 */
export class FakePlatform implements PlatformAdapter {
  readonly usesPkce: boolean;
  readonly canRefresh: boolean;
  account: PlatformIdentity = { externalAccountId: 'acct-1', displayName: 'Acme Page', isAdmin: true };
  /** Seconds an access token lives (undefined: it does not expire by itself). */
  accessTokenSeconds: number | undefined;
  readonly calls: { op: Op; tokens?: TokenSet; text?: string; expected?: string }[] = [];
  readonly published: { externalAccountId: string; text: string; platformPostId: string }[] = [];
  private readonly failures = new Map<Op, PlatformFailure[]>();
  private issued = 0;

  constructor(
    readonly platform: Platform,
    private readonly clock: Clock,
  ) {
    this.usesPkce = policyFor(platform).usesPkce;
    this.canRefresh = policyFor(platform).canRefresh;
    this.accessTokenSeconds = policyFor(platform).canRefresh ? 60 * 86_400 : undefined;
  }

  /** The next `op` call answers `failure` (queued: call it twice for two failures). */
  failNext(op: Op, failure: PlatformFailure): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), failure]);
  }

  callsOf(op: Op): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  buildAuthorizeUrl(req: { state: string; redirectUri: string; codeChallenge?: string }): string {
    const q = new URLSearchParams({ state: req.state, redirect_uri: req.redirectUri, ...(req.codeChallenge ? { code_challenge: req.codeChallenge, code_challenge_method: 'S256' } : {}) });
    return `https://${this.platform}.example.test/authorize?${q.toString()}`;
  }

  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier?: string }): Promise<PlatformResult<TokenSet>> {
    this.calls.push({ op: 'exchangeCode' });
    // A PKCE platform refuses an exchange without the verifier (RFC 7636 4.6).
    if (this.usesPkce && !input.codeVerifier) return { ok: false, failure: { kind: 'rejected', message: 'code_verifier missing' } };
    return this.answer('exchangeCode', this.newTokens());
  }

  async refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    this.calls.push({ op: 'refresh', tokens });
    return this.answer('refresh', this.newTokens());
  }

  async identify(tokens: TokenSet, expected?: string): Promise<PlatformResult<PlatformIdentity>> {
    this.calls.push({ op: 'identify', tokens, ...(expected ? { expected } : {}) });
    return this.answer('identify', { ...this.account });
  }

  async checkAccess(tokens: TokenSet): Promise<PlatformResult<void>> {
    this.calls.push({ op: 'checkAccess', tokens });
    return this.answer('checkAccess', undefined);
  }

  async publish(tokens: TokenSet, req: { externalAccountId: string; text: string }): Promise<PlatformResult<{ platformPostId: string }>> {
    this.calls.push({ op: 'publish', tokens, text: req.text });
    const result = this.answer('publish', { platformPostId: `${this.platform}-post-${this.published.length + 1}` });
    if (result.ok) this.published.push({ externalAccountId: req.externalAccountId, text: req.text, platformPostId: result.value.platformPostId });
    return result;
  }

  classifyError(response: PlatformResponse): PlatformFailure {
    return { kind: 'transient', message: `status ${response.status}`, status: response.status };
  }

  private newTokens(): TokenSet {
    this.issued += 1;
    const now = this.clock.now().getTime();
    return {
      accessToken: `${this.platform}-access-${this.issued}`,
      ...(this.canRefresh ? { refreshToken: `${this.platform}-refresh-${this.issued}` } : {}),
      ...(this.accessTokenSeconds !== undefined ? { accessTokenExpiresAt: new Date(now + this.accessTokenSeconds * 1000).toISOString() } : {}),
    };
  }

  private answer<T>(op: Op, value: T): PlatformResult<T> {
    const failure = this.failures.get(op)?.shift();
    return failure ? { ok: false, failure } : { ok: true, value };
  }
}

export type FakePlatforms = Record<Platform, FakePlatform> & PlatformRegistry;

export function fakePlatforms(clock: Clock): FakePlatforms {
  return Object.fromEntries(PLATFORMS.map((p) => [p, new FakePlatform(p, clock)])) as FakePlatforms;
}
