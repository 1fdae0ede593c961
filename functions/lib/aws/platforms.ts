import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { object, string } from 'zod/mini';
import type { Platform } from '../../../shared/config/platforms.js';
import { createPlatformRegistry, platformsConfig, realPlatformEndpoints, type ClientCredentials } from '../../../shared/adapters/platforms/index.js';
import type { PlatformWiring } from './deps.js';

export const PLATFORM_SECRET_MAX_AGE_SECONDS = 300;

const clientSchema = object({ clientId: string(), clientSecret: string() });
const credentialsSchema = object({ facebook: clientSchema, instagram: clientSchema, linkedin: clientSchema, tiktok: clientSchema, x: clientSchema });

/**
 * The platforms' app credentials from Secrets Manager, through Powertools parameters' cache: a warm
 * invocation makes no call, and a rotated secret is picked up within `maxAge` seconds.
 */
async function secretPlatformCredentials(secretName: string): Promise<Record<Platform, ClientCredentials>> {
  return credentialsSchema.parse(await getSecret(secretName, { transform: 'json', maxAge: PLATFORM_SECRET_MAX_AGE_SECONDS }));
}

/** The real platforms, with their app credentials from Secrets Manager. */
export const secretsManagerPlatforms: PlatformWiring = {
  credentials: secretPlatformCredentials,
  registry: (credentials) => createPlatformRegistry(platformsConfig(credentials, realPlatformEndpoints())),
};
