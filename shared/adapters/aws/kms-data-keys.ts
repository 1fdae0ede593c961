import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { DataKeyProvider } from '../token-cipher.js';

/**
 * Data keys from AWS KMS (GenerateDataKey / Decrypt); the plaintext key never leaves memory. The
 * owner (workspace + connection) is the encryption context, so KMS unwraps a data key only for the
 * connection it was made for, and CloudTrail names that connection on every use.
 */
export class KmsDataKeyProvider implements DataKeyProvider {
  constructor(
    private readonly kms: KMSClient,
    readonly keyId: string,
  ) {}

  async generate(owner: string): Promise<{ plaintext: Buffer; encrypted: Buffer }> {
    const out = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: { tokensOf: owner } }));
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return { plaintext: Buffer.from(out.Plaintext), encrypted: Buffer.from(out.CiphertextBlob) };
  }

  async decrypt(encrypted: Buffer, owner: string): Promise<Buffer> {
    const out = await this.kms.send(new DecryptCommand({ CiphertextBlob: encrypted, KeyId: this.keyId, EncryptionContext: { tokensOf: owner } }));
    if (!out.Plaintext) throw new Error('KMS could not decrypt the data key');
    return Buffer.from(out.Plaintext);
  }
}
