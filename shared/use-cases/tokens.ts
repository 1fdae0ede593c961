import type { Connection } from '../domain/connection.js';
import type { TokenSet } from '../ports/platform.js';
import type { TokenCipher } from '../ports/misc.js';

/** Additional authenticated data: the sealed tokens belong to this workspace's connection only. */
export function tokenAadFor(c: Pick<Connection, 'workspaceId' | 'connectionId'>): string {
  return `flamel-connections:v1:${c.workspaceId}:${c.connectionId}`;
}

/**
 * Our token store (KMS, the cipher) could not open stored tokens: a failure on our side that says
 * nothing about the account's access, so it is retried, never shown as "access lost".
 */
export class TokenStoreUnavailableError extends Error {
  override readonly name = 'TokenStoreUnavailableError';
  readonly code = 'TOKEN_STORE_UNAVAILABLE';
}

export async function openTokens(cipher: TokenCipher, c: Connection): Promise<TokenSet | undefined> {
  if (!c.tokens) return undefined;
  let plaintext: string;
  try {
    plaintext = await cipher.open(c.tokens, tokenAadFor(c));
  } catch (error) {
    throw new TokenStoreUnavailableError(`Stored tokens of connection ${c.connectionId} could not be opened`, { cause: error });
  }
  return JSON.parse(plaintext) as TokenSet;
}
