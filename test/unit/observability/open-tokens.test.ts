import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection.js';
import type { TokenCipher } from '../../../shared/ports/misc.js';
import { openTokens, TokenStoreUnavailableError } from '../../../shared/use-cases/tokens.js';

const connection = { workspaceId: 'w', connectionId: 'c', tokens: { ciphertext: 'x', keyId: 'k', dataKey: 'd', iv: 'i', tag: 't' } } as unknown as Connection;
const failing = (error: Error): TokenCipher => ({ seal: () => Promise.reject(error), open: () => Promise.reject(error) });

describe('openTokens', () => {
  it('turns any failure of the token store (KMS throttling, a network error) into TokenStoreUnavailableError with a stable code', async () => {
    const kms = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const error = await openTokens(failing(kms), connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenStoreUnavailableError);
    expect(error).toMatchObject({ code: 'TOKEN_STORE_UNAVAILABLE', cause: kms });
  });

  it('opens what the cipher gives back, and answers undefined when nothing is stored', async () => {
    const cipher: TokenCipher = { seal: () => Promise.reject(new Error('unused')), open: () => Promise.resolve('{"accessToken":"a"}') };
    expect(await openTokens(cipher, connection)).toEqual({ accessToken: 'a' });
    expect(await openTokens(cipher, { ...connection, tokens: undefined })).toBeUndefined();
  });
});
