import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { DataKeyProvider } from '../token-cipher.js';

/** Data keys from AWS KMS (GenerateDataKey / Decrypt); the plaintext key never leaves memory. */
export class KmsDataKeyProvider implements DataKeyProvider {
  constructor(
    private readonly kms: KMSClient,
    readonly keyId: string,
  ) {}

  async generate(): Promise<{ plaintext: Buffer; encrypted: Buffer }> {
    const out = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256' }));
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return { plaintext: Buffer.from(out.Plaintext), encrypted: Buffer.from(out.CiphertextBlob) };
  }

  async decrypt(encrypted: Buffer): Promise<Buffer> {
    const out = await this.kms.send(new DecryptCommand({ CiphertextBlob: encrypted, KeyId: this.keyId }));
    if (!out.Plaintext) throw new Error('KMS could not decrypt the data key');
    return Buffer.from(out.Plaintext);
  }
}
