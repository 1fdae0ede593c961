import { PLATFORM_LABELS, type Platform } from '../../config/platforms.js';
import { policyFor } from '../../domain/platform-policy.js';
import type { Clock } from '../../ports/misc.js';
import type { PlatformFailure, PlatformIdentity, PlatformResponse, PlatformResult, TokenSet } from '../../ports/platform.js';
import type { ClientCredentials, PlatformEndpoints } from './config.js';
import { asRecord, expiresAt, fail, hasPassed, mergeRefreshed, ok, refreshRefused, splitScopes, str, unrecognisedAnswer, type HttpDeps } from './http.js';

/**
 * Where a platform's token answer keeps what OAuth does not name alike everywhere (`access_token`
 * and `expires_in` are read on every platform). A field left out is not read.
 */
export interface TokenFields {
  refreshToken?: string;
  /** The refresh token's lifetime in seconds. */
  refreshTokenExpiresIn?: string;
  /** The granted scopes, space or comma separated. */
  scopes?: string;
}

/**
 * What every platform adapter (a PlatformAdapter) shares: the platform's policy flags, the config,
 * HTTP and clock it runs with, and the steps done alike everywhere. A subclass holds one platform's
 * facts (scopes, paths, wire format, error table).
 */
export abstract class BaseAdapter<P extends Platform> {
  abstract readonly platform: P;

  constructor(
    protected readonly config: ClientCredentials & PlatformEndpoints[P],
    protected readonly http: HttpDeps,
    protected readonly clock: Clock,
  ) {}

  get usesPkce(): boolean {
    return policyFor(this.platform).usesPkce;
  }

  get canRefresh(): boolean {
    return policyFor(this.platform).canRefresh;
  }

  /** The platform's name as messages start with it ("LinkedIn: ..."). */
  protected get label(): string {
    return PLATFORM_LABELS[this.platform];
  }

  /** The sign-in page with these parameters, in this order (an undefined one is left out). */
  protected authorizeUrl(params: Record<string, string | undefined>): string {
    const url = new URL(this.config.authorizeUrl);
    for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
    return url.toString();
  }

  /** A token answer read by the platform's `fields`; without an access token it is unrecognised (`what` says where). */
  protected tokensFrom(res: PlatformResponse, fields: TokenFields, what: string): PlatformResult<TokenSet> {
    const b = asRecord(res.body);
    const accessToken = str(b.access_token);
    if (accessToken === undefined) return this.unrecognised(res, what);
    const set: TokenSet = { accessToken };
    const access = expiresAt(this.clock, b.expires_in);
    if (access !== undefined) set.accessTokenExpiresAt = access;
    const refreshToken = fields.refreshToken === undefined ? undefined : str(b[fields.refreshToken]);
    if (refreshToken !== undefined) {
      set.refreshToken = refreshToken;
      const refresh = fields.refreshTokenExpiresIn === undefined ? undefined : expiresAt(this.clock, b[fields.refreshTokenExpiresIn]);
      if (refresh !== undefined) set.refreshTokenExpiresAt = refresh;
    }
    const scopes = fields.scopes === undefined ? undefined : splitScopes(b[fields.scopes]);
    if (scopes !== undefined) set.scopes = scopes;
    return ok(set);
  }

  /**
   * An OAuth refresh with the stored refresh token (`call` makes the platform's request). A refused
   * one is read by refreshRefused; what the answer leaves out is kept from `tokens`.
   */
  protected async refreshWith(tokens: TokenSet, call: (refreshToken: string) => Promise<PlatformResult<TokenSet>>): Promise<PlatformResult<TokenSet>> {
    if (tokens.refreshToken === undefined) return fail({ kind: 'expired', reason: 'unknown', message: `${this.label}: no refresh token is stored for this connection.` });
    const res = await call(tokens.refreshToken);
    if (!res.ok) return fail(refreshRefused(this.clock, tokens, res.failure));
    return ok(mergeRefreshed(tokens, res.value));
  }

  /** An answer no documented rule reads (logged, retried): `what` says what was missing. */
  protected unrecognised(res: PlatformResponse, what: string): PlatformResult<never> {
    return fail(unrecognisedAnswer(this.label, res, undefined, what));
  }

  /** The access token answers for another account than the one connected: this connection's access is gone. */
  protected differentAccount(): PlatformResult<never> {
    return fail({ kind: 'expired', reason: 'unknown', message: `${this.label}: this access now belongs to a different account.` });
  }

  /**
   * A refused access token whose stored expiry has passed reached its end (token_expired): the
   * platform's answer alone cannot tell that from a revocation.
   */
  protected agedOut(tokens: TokenSet, failure: PlatformFailure): PlatformFailure {
    if (failure.kind === 'expired' && failure.reason === 'revoked' && hasPassed(this.clock, tokens.accessTokenExpiresAt)) return { ...failure, reason: 'token_expired' };
    return failure;
  }
}

/**
 * A platform whose access token is the very account published as (X, TikTok): there is no role to
 * hold, so the account may always publish; a token that now answers for another account has lost
 * this connection's access.
 */
export abstract class OwnAccountAdapter<P extends Platform> extends BaseAdapter<P> {
  /** The account the access token belongs to. */
  protected abstract account(tokens: TokenSet): Promise<PlatformResult<{ id: string; name: string }>>;

  async identify(tokens: TokenSet): Promise<PlatformResult<PlatformIdentity>> {
    const account = await this.account(tokens);
    if (!account.ok) return account;
    return ok({ externalAccountId: account.value.id, displayName: account.value.name, isAdmin: true });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    const account = await this.account(tokens);
    if (!account.ok) return account;
    return account.value.id === externalAccountId ? ok(undefined) : this.differentAccount();
  }
}
