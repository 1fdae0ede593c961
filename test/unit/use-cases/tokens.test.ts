import { describe, expect, it } from 'vitest';
import { openTokens, tokenAadFor, TokenStoreUnavailableError } from '../../../shared/use-cases/tokens.js';
import { fakeDeps } from '../../fakes/deps.js';
import { seedConnection } from './seed.js';

describe('stored tokens', () => {
  it('open to what was sealed for that connection', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f, { tokens: { accessToken: 'a', refreshToken: 'r' } });
    expect(await openTokens(f.cipher, c)).toEqual({ accessToken: 'a', refreshToken: 'r' });
  });

  it("a sealed blob copied onto another connection does not open there (it is bound to its owner)", async () => {
    const f = fakeDeps();
    const c = await seedConnection(f);
    await expect(openTokens(f.cipher, { ...c, connectionId: 'other' })).rejects.toBeInstanceOf(TokenStoreUnavailableError);
    expect(tokenAadFor(c)).not.toBe(tokenAadFor({ ...c, connectionId: 'other' }));
  });

  it('our key service down is TOKEN_STORE_UNAVAILABLE (ours, retried), not an expiry', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f);
    f.keys.down = true;
    await expect(openTokens(f.cipher, c)).rejects.toMatchObject({ code: 'TOKEN_STORE_UNAVAILABLE' });
  });

  it('no stored tokens is undefined', async () => {
    const f = fakeDeps();
    const c = await seedConnection(f, { tokens: null });
    expect(await openTokens(f.cipher, c)).toBeUndefined();
  });
});
