import { computeNextCheckAt, type Connection } from '../domain/connection.js';
import type { PlatformFailure, TokenSet } from '../ports/platform.js';
import type { Deps } from './deps.js';
import { saveConnection } from './save-connection.js';
import { tokenAadFor } from './tokens.js';

export type RefreshOutcome =
  | { kind: 'refreshed'; connection: Connection; tokens: TokenSet }
  | { kind: 'busy' }
  | { kind: 'failed'; failure: PlatformFailure };

const LEASE_SECONDS = 60;

/**
 * Refreshes a connection's tokens under a conditional lease (two workers never refresh the same
 * connection at once: rotating refresh tokens would invalidate each other), then saves the new
 * sealed tokens and lifetimes in one conditional write. A refresh answer without a refresh token
 * keeps the stored one (the adapter merges it). `andThen`: a further change (the check's result)
 * made in that same write, applied again to whatever a retry of the write starts from.
 */
export async function refreshConnectionTokens(
  deps: Pick<Deps, 'store' | 'platforms' | 'cipher' | 'clock'>,
  connection: Connection,
  tokens: TokenSet,
  andThen: (refreshed: Connection) => Connection = (c) => c,
): Promise<RefreshOutcome> {
  const now = deps.clock.now();
  // The lease write answers the item as it stands under the lease: no read after it.
  const current = await deps.store.connections.acquireLease(
    connection.workspaceId,
    connection.connectionId,
    new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString(),
    now.toISOString(),
  );
  if (!current) return { kind: 'busy' };
  const releaseLease = () => saveConnection(deps, connection.workspaceId, connection.connectionId, (c) => (c.leaseUntil ? { ...c, leaseUntil: undefined } : undefined));
  // Somebody refreshed (or reconnected) between our read and the lease: our refresh token may be
  // rotated out already, and spending it again gains nothing. The caller comes back with what is stored.
  if (current.tokens?.ciphertext !== connection.tokens?.ciphertext) {
    await releaseLease();
    return { kind: 'busy' };
  }
  const result = await deps.platforms[connection.platform].refresh(tokens);
  if (!result.ok) {
    await releaseLease();
    return { kind: 'failed', failure: result.failure };
  }
  const fresh: TokenSet = { ...result.value, refreshToken: result.value.refreshToken ?? tokens.refreshToken, accountToken: result.value.accountToken ?? tokens.accountToken };
  // The platform may have rotated the refresh token: the old one is dead from here on, so the new one
  // must reach the store. A transient error sealing (KMS) or writing (DynamoDB) is retried rather than
  // thrown, or the connection would later "expire" for a token we lost ourselves.
  const saved = await persistently(async () => {
    const sealed = await deps.cipher.seal(JSON.stringify(fresh), tokenAadFor(connection));
    return saveConnection(
      deps,
      connection.workspaceId,
      connection.connectionId,
      (c) => {
        // Removed (tokens destroyed), or reconnected meanwhile: the reconnect's tokens stay.
        if (c.status === 'removed' || c.tokens?.ciphertext !== connection.tokens?.ciphertext) return undefined;
        return andThen(refreshedConnection(c, sealed, fresh, now));
      },
      // What was read under the lease: the lease keeps other refreshes out, the version any other write.
      { attempts: 20, known: current },
    );
  });
  if (!saved?.changed) return { kind: 'busy' };
  return { kind: 'refreshed', connection: saved.connection, tokens: fresh };
}

const SAVE_ATTEMPTS = 4;
async function persistently<T>(task: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= SAVE_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

function refreshedConnection(c: Connection, sealed: Connection['tokens'], fresh: TokenSet, now: Date): Connection {
  const next: Connection = {
    ...c,
    tokens: sealed,
    accessTokenExpiresAt: fresh.accessTokenExpiresAt,
    refreshTokenExpiresAt: fresh.refreshTokenExpiresAt ?? c.refreshTokenExpiresAt,
    // LinkedIn's consent end is fixed from the first grant: a refresh never moves it later.
    consentExpiresAt: c.consentExpiresAt,
    lastUsedAt: now.toISOString(),
    leaseUntil: undefined,
  };
  return { ...next, nextCheckAt: computeNextCheckAt(next, now) };
}

/** The access token is gone or ends within five minutes. */
export function accessTokenStale(tokens: TokenSet, now: Date): boolean {
  return tokens.accessTokenExpiresAt !== undefined && Date.parse(tokens.accessTokenExpiresAt) - now.getTime() < 5 * 60_000;
}

