import { onFirstUse } from './senders.js';
import { cachedPlatformCredentials, platformsOnFirstNeed } from './platform-credentials.js';

/*
 * The real platforms for publish: a publish with a fresh token (every platform but Facebook) needs
 * only the account's tokens, so Secrets Manager's client and the secret's read wait for the first
 * call that needs the app credentials (a refresh, a Facebook publish). The specifier stays literal
 * so the bundle keeps it external and loads it only here.
 */
const secrets = onFirstUse(async () => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  return async (secretName: string) => (await client.send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString;
});

export const secretsManagerPlatformsOnFirstNeed = platformsOnFirstNeed(cachedPlatformCredentials(async (secretName) => (await secrets())(secretName)));
