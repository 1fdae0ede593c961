import type { Connection } from '../domain/connection.js';
import type { TokenSet } from '../ports/platform.js';
import type { TokenCipher } from '../ports/misc.js';

/** Additional authenticated data: the sealed tokens belong to this workspace's connection only. */
export function tokenAadFor(c: Pick<Connection, 'workspaceId' | 'connectionId'>): string {
  return `flamel-connections:v1:${c.workspaceId}:${c.connectionId}`;
}

export async function openTokens(cipher: TokenCipher, c: Connection): Promise<TokenSet | undefined> {
  if (!c.tokens) return undefined;
  return JSON.parse(await cipher.open(c.tokens, tokenAadFor(c))) as TokenSet;
}
