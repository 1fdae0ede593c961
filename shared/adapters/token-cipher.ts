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
 * Envelope encryption: a fresh data key per seal (from the provider), AES-256-GCM over the token
 * JSON with the owner (workspace + connection) as additional authenticated data, so a sealed blob
 * copied onto another connection's item fails to open.
 */
export class EnvelopeTokenCipher implements TokenCipher {
  constructor(private readonly keys: DataKeyProvider) {}

  async seal(plaintext: string, aad: string): Promise<SealedTokens> {
    const dataKey = await this.keys.generate(aad);
    try {
      const { iv, ciphertext, tag } = gcmSeal(dataKey.plaintext, Buffer.from(plaintext, 'utf8'), Buffer.from(aad, 'utf8'));
      return {
        ciphertext: ciphertext.toString('base64'),
        iv: iv.toString('base64'),
        tag: tag.toString('base64'),
        encryptedDataKey: dataKey.encrypted.toString('base64'),
        keyId: this.keys.keyId,
      };
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  async open(sealed: SealedTokens, aad: string): Promise<string> {
    const key = await this.keys.decrypt(Buffer.from(sealed.encryptedDataKey, 'base64'), aad);
    try {
      return gcmOpen(
        key,
        Buffer.from(sealed.iv, 'base64'),
        Buffer.from(sealed.ciphertext, 'base64'),
        Buffer.from(sealed.tag, 'base64'),
        Buffer.from(aad, 'utf8'),
      ).toString('utf8');
    } finally {
      key.fill(0);
    }
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

