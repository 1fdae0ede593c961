import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cachedPlatformCredentials, eagerPlatforms } from './platform-credentials.js';

/**
 * The real platforms, their app credentials read from Secrets Manager when the function starts:
 * for the functions whose calls nearly all need them (a code exchange, a refresh, a probe with the
 * app token), so the client loads at cold start on the full vCPU of init.
 */
let client: SecretsManagerClient | undefined;
export const secretsManagerPlatforms = eagerPlatforms(
  cachedPlatformCredentials(async (secretName) => (await (client ??= new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString),
);
