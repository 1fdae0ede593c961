import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedTokens } from '../domain/connection.js';
import type { TokenCipher } from '../ports/misc.js';

/**
 * Produces and unwraps per-item data keys: KMS in AWS, a local key file in the local runtime. The
 * wrapped key is bound to its owner (the same string as the tokens' additional data).
 */
export interface DataKeyProvider {
  readonly keyId: string;
  generate(owner: string): Promise<{ plaintext: Buffer; encrypted: Buffer }>;
  decrypt(encrypted: Buffer, owner: string): Promise<Buffer>;
}

function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function gcmOpen(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/**
 * Bounds of the data-key reuse (AWS Encryption SDK's caching CMM, partitioned by owner): a key opened
 * for a connection may seal that connection's next tokens once, within `reuseWithinMs` of its open (a
 * check opens, refreshes, then seals the rotated tokens: one KMS call instead of two), and only while
 * the key is younger than `maxKeyAgeMs` (then a fresh one is generated). At most `maxCachedKeys`
 * plaintext keys are held, in memory only; each is zeroed when used, expired or pushed out.
 */
export interface DataKeyReuse {
  reuseWithinMs: number;
  maxKeyAgeMs: number;
  maxCachedKeys: number;
}
export const DATA_KEY_REUSE: DataKeyReuse = { reuseWithinMs: 5 * 60_000, maxKeyAgeMs: 30 * 86_400_000, maxCachedKeys: 256 };

interface CachedKey {
  plaintext: Buffer;
  encrypted: string;
  createdAt: string;
  cachedAt: number;
}

/**
 * Envelope encryption: a data key (from the provider) per connection, AES-256-GCM with a fresh IV per
 * seal over the token JSON with the owner (workspace + connection) as additional authenticated data,
 * so a sealed blob copied onto another connection's item fails to open. A connection's data key is
 * reused for its own next seal within the bounds of DataKeyReuse; it never seals another owner's tokens.
 */
export class EnvelopeTokenCipher implements TokenCipher {
  private readonly opened = new Map<string, CachedKey>();

  constructor(
    readonly keys: DataKeyProvider,
    private readonly reuse: DataKeyReuse = DATA_KEY_REUSE,
    private readonly now: () => number = Date.now,
  ) {}

  async seal(plaintext: string, aad: string): Promise<SealedTokens> {
    const cached = this.take(aad);
    const dataKey = cached ?? { ...(await this.keys.generate(aad)), createdAt: new Date(this.now()).toISOString() };
    try {
      const { iv, ciphertext, tag } = gcmSeal(dataKey.plaintext, Buffer.from(plaintext, 'utf8'), Buffer.from(aad, 'utf8'));
      return {
        ciphertext: ciphertext.toString('base64'),
        iv: iv.toString('base64'),
        tag: tag.toString('base64'),
        encryptedDataKey: typeof dataKey.encrypted === 'string' ? dataKey.encrypted : dataKey.encrypted.toString('base64'),
        keyId: this.keys.keyId,
        dataKeyCreatedAt: dataKey.createdAt,
      };
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  async open(sealed: SealedTokens, aad: string): Promise<string> {
    const key = await this.keys.decrypt(Buffer.from(sealed.encryptedDataKey, 'base64'), aad);
    try {
      const text = gcmOpen(
        key,
        Buffer.from(sealed.iv, 'base64'),
        Buffer.from(sealed.ciphertext, 'base64'),
        Buffer.from(sealed.tag, 'base64'),
        Buffer.from(aad, 'utf8'),
      ).toString('utf8');
      this.keep(aad, key, sealed);
      return text;
    } finally {
      key.fill(0);
    }
  }

  /** Keeps a copy of an opened key for its owner's next seal, if the key is young enough to seal again. */
  private keep(aad: string, key: Buffer, sealed: SealedTokens): void {
    const created = sealed.dataKeyCreatedAt === undefined ? Number.NaN : Date.parse(sealed.dataKeyCreatedAt);
    if (!(this.now() - created < this.reuse.maxKeyAgeMs) || this.reuse.maxCachedKeys <= 0) return;
    this.forget(aad);
    this.opened.set(aad, { plaintext: Buffer.from(key), encrypted: sealed.encryptedDataKey, createdAt: sealed.dataKeyCreatedAt!, cachedAt: this.now() });
    // Map order is insertion order: the oldest entries go first.
    for (const owner of this.opened.keys()) {
      if (this.opened.size <= this.reuse.maxCachedKeys) break;
      this.forget(owner);
    }
  }

  /** The owner's opened key, once, if still within its bounds. */
  private take(aad: string): CachedKey | undefined {
    const entry = this.opened.get(aad);
    if (!entry) return undefined;
    this.opened.delete(aad);
    const fresh = this.now() - entry.cachedAt < this.reuse.reuseWithinMs && this.now() - Date.parse(entry.createdAt) < this.reuse.maxKeyAgeMs;
    if (fresh) return entry;
    entry.plaintext.fill(0);
    return undefined;
  }

  private forget(aad: string): void {
    this.opened.get(aad)?.plaintext.fill(0);
    this.opened.delete(aad);
  }
}

function wrapContext(owner: string): Buffer {
  return Buffer.from(`data-key:${owner}`, 'utf8');
}

/** The local runtime's key provider: data keys wrapped with a 256-bit master key from a file. */
export class LocalKeyFileProvider implements DataKeyProvider {
  readonly keyId = 'local-key-file';
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The local token key must be 32 bytes');
  }

  async generate(owner: string): Promise<{ plaintext: Buffer; encrypted: Buffer }> {
    const plaintext = randomBytes(32);
    const { iv, ciphertext, tag } = gcmSeal(this.masterKey, plaintext, wrapContext(owner));
    return { plaintext, encrypted: Buffer.concat([iv, tag, ciphertext]) };
  }

  async decrypt(encrypted: Buffer, owner: string): Promise<Buffer> {
    const open = (context: Buffer) => gcmOpen(this.masterKey, encrypted.subarray(0, 12), encrypted.subarray(28), encrypted.subarray(12, 28), context);
    try {
      return open(wrapContext(owner));
    } catch (error) {
      // Data keys wrapped before keys were bound to their owner (a --data folder from an older version).
      try {
        return open(Buffer.from('data-key'));
      } catch {
        throw error;
      }
    }
  }
}

