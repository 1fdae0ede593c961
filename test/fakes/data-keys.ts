import { randomBytes } from 'node:crypto';
import { EnvelopeTokenCipher, LocalKeyFileProvider, type DataKeyProvider } from '../../shared/adapters/token-cipher.js';

/**
 * The data-key provider (KMS in AWS) in memory: real data keys wrapped with a random master key,
 * bound to their owner like KMS's encryption context, so a sealed blob moved to another connection
 * fails to open. `down` makes every call fail as an unreachable KMS would; `calls` counts requests.
 */
export class FakeDataKeys implements DataKeyProvider {
  readonly keyId = 'fake-kms-key';
  down = false;
  calls = 0;
  private readonly inner = new LocalKeyFileProvider(randomBytes(32));

  async generate(owner: string) {
    this.request();
    return this.inner.generate(owner);
  }

  async decrypt(encrypted: Buffer, owner: string) {
    this.request();
    return this.inner.decrypt(encrypted, owner);
  }

  private request(): void {
    this.calls += 1;
    if (this.down) throw Object.assign(new Error('KMS is unreachable (fake)'), { name: 'KMSInternalException' });
  }
}

/** The token cipher the system uses (envelope AES-256-GCM), over fake data keys. */
export function fakeCipher(keys = new FakeDataKeys()): { cipher: EnvelopeTokenCipher; keys: FakeDataKeys } {
  return { cipher: new EnvelopeTokenCipher(keys), keys };
}
