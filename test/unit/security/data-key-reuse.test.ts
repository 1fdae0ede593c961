import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeTokenCipher, LocalKeyFileProvider, type DataKeyProvider, type DataKeyReuse } from '../../../shared/adapters/token-cipher.js';

/** A data-key provider (KMS in AWS) that counts its calls and remembers every plaintext key it handed out. */
class CountingKeys implements DataKeyProvider {
  readonly keyId = 'counting';
  generated = 0;
  decrypted = 0;
  readonly plaintexts: string[] = [];
  private readonly inner = new LocalKeyFileProvider(randomBytes(32));

  async generate(owner: string) {
    this.generated += 1;
    const key = await this.inner.generate(owner);
    this.plaintexts.push(key.plaintext.toString('base64'));
    return key;
  }

  async decrypt(encrypted: Buffer, owner: string) {
    this.decrypted += 1;
    return this.inner.decrypt(encrypted, owner);
  }
}

const BOUNDS: DataKeyReuse = { reuseWithinMs: 60_000, maxKeyAgeMs: 30 * 86_400_000, maxCachedKeys: 2 };
const A = 'flamel-connections:v1:ws-1:conn-a';
const B = 'flamel-connections:v1:ws-1:conn-b';
const C = 'flamel-connections:v1:ws-1:conn-c';

function cipherAt(start = Date.parse('2026-06-01T09:00:00.000Z')) {
  const keys = new CountingKeys();
  const clock = { t: start };
  return { keys, clock, cipher: new EnvelopeTokenCipher(keys, BOUNDS, () => clock.t) };
}

describe('data keys reused within bounds (one KMS call per refresh check instead of two)', () => {
  it("a connection's opened key seals its rotated tokens once, with a fresh IV; the blob still opens only for it", async () => {
    const { keys, cipher } = cipherAt();
    const first = await cipher.seal('{"accessToken":"old"}', A);
    expect(await cipher.open(first, A)).toBe('{"accessToken":"old"}');
    const second = await cipher.seal('{"accessToken":"new"}', A);
    expect(keys.generated).toBe(1);
    expect(second.encryptedDataKey).toBe(first.encryptedDataKey);
    expect(second.dataKeyCreatedAt).toBe(first.dataKeyCreatedAt);
    expect(second.iv).not.toBe(first.iv);
    expect(await cipher.open(second, A)).toBe('{"accessToken":"new"}');
    await expect(cipher.open(second, B)).rejects.toThrow();
    // One reuse per open: a second seal without an open in between asks for a new key.
    await cipher.seal('{"accessToken":"newer"}', A);
    await cipher.seal('{"accessToken":"newest"}', A);
    expect(keys.generated).toBe(2);
  });

  it("never seals one connection's tokens with another's key", async () => {
    const { keys, cipher } = cipherAt();
    await cipher.open(await cipher.seal('a', A), A);
    const b = await cipher.seal('b', B);
    expect(keys.generated).toBe(2);
    expect(await cipher.open(b, B)).toBe('b');
  });

  it('an opened key is kept for a short while only', async () => {
    const { keys, clock, cipher } = cipherAt();
    await cipher.open(await cipher.seal('a', A), A);
    clock.t += BOUNDS.reuseWithinMs;
    await cipher.seal('a2', A);
    expect(keys.generated).toBe(2);
  });

  it('a key older than the bound (or of unknown age) is not used for new tokens: a fresh one is generated', async () => {
    const { keys, clock, cipher } = cipherAt();
    const sealed = await cipher.seal('a', A);
    clock.t += BOUNDS.maxKeyAgeMs;
    await cipher.open(sealed, A);
    const resealed = await cipher.seal('a2', A);
    expect(keys.generated).toBe(2);
    expect(resealed.encryptedDataKey).not.toBe(sealed.encryptedDataKey);
    expect(resealed.dataKeyCreatedAt).toBe(new Date(clock.t).toISOString());
    // Tokens sealed before keys carried their age.
    const { dataKeyCreatedAt: _age, ...older } = await cipher.seal('b', B);
    await cipher.open(older, B);
    await cipher.seal('b2', B);
    expect(keys.generated).toBe(4);
  });

  it('holds at most the bounded number of opened keys: the oldest is dropped first', async () => {
    const { keys, cipher } = cipherAt();
    const sealed = [await cipher.seal('a', A), await cipher.seal('b', B), await cipher.seal('c', C)];
    await cipher.open(sealed[0]!, A);
    await cipher.open(sealed[1]!, B);
    await cipher.open(sealed[2]!, C);
    await cipher.seal('a2', A);
    await cipher.seal('c2', C);
    expect(keys.generated).toBe(3 + 1);
  });

  it('no plaintext key is ever part of what is stored', async () => {
    const { keys, cipher } = cipherAt();
    const first = await cipher.seal('tokens', A);
    await cipher.open(first, A);
    const second = await cipher.seal('tokens', A);
    const stored = JSON.stringify([first, second]);
    for (const key of keys.plaintexts) expect(stored).not.toContain(key);
    expect(Object.keys(second).sort()).toEqual(['ciphertext', 'dataKeyCreatedAt', 'encryptedDataKey', 'iv', 'keyId', 'tag']);
  });
});
