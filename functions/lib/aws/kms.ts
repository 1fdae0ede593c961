import { KMSClient } from '@aws-sdk/client-kms';
import { KmsDataKeyProvider } from '../../../shared/adapters/aws/kms-data-keys.js';
import type { DataKeyProvider } from '../../../shared/adapters/token-cipher.js';

/** The token key's data keys through KMS: loaded at cold start, since every invocation of its users seals or opens tokens. */
export function kmsDataKeys(keyId: string): DataKeyProvider {
  return new KmsDataKeyProvider(new KMSClient({}), keyId);
}
