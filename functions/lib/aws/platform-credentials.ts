import { object, string } from 'zod/mini';
import type { Platform } from '../../../shared/config/platforms.js';
import { createLazyPlatformRegistry, createPlatformRegistry, platformsConfig, realPlatformEndpoints, type ClientCredentials } from '../../../shared/adapters/platforms/index.js';
import type { PlatformWiring } from './deps.js';

/** How long a read secret is used before it is read again: a rotated secret is picked up within this. */
export const PLATFORM_SECRET_MAX_AGE_SECONDS = 300;

const clientSchema = object({ clientId: string(), clientSecret: string() });
const credentialsSchema = object({ facebook: clientSchema, instagram: clientSchema, linkedin: clientSchema, tiktok: clientSchema, x: clientSchema });

export type PlatformCredentials = Record<Platform, ClientCredentials>;

/** The secret's string, by name (Secrets Manager GetSecretValue's SecretString). */
export type ReadSecret = (secretName: string) => Promise<string | undefined>;

/**
 * The platforms' app credentials from their secret, cached `maxAge` seconds: a warm invocation makes
 * no call. Concurrent reads share one call; a failed read is not kept (the next read tries again).
 */
export function cachedPlatformCredentials(read: ReadSecret, now: () => number = Date.now, maxAgeSeconds = PLATFORM_SECRET_MAX_AGE_SECONDS): (secretName: string) => Promise<PlatformCredentials> {
  const cache = new Map<string, { at: number; value: Promise<PlatformCredentials> }>();
  return (secretName) => {
    const hit = cache.get(secretName);
    if (hit && now() - hit.at < maxAgeSeconds * 1000) return hit.value;
    const value = read(secretName).then((text) => {
      if (text === undefined) throw new Error(`Secret ${secretName} has no string value`);
      return credentialsSchema.parse(JSON.parse(text));
    });
    const entry = { at: now(), value };
    cache.set(secretName, entry);
    value.catch(() => {
      if (cache.get(secretName) === entry) cache.delete(secretName);
    });
    return value;
  };
}

/** Credentials read when the function starts, and re-read (from the cache) before each invocation. */
export function eagerPlatforms(credentialsOf: (secretName: string) => Promise<PlatformCredentials>): PlatformWiring {
  const build = (c: PlatformCredentials) => createPlatformRegistry(platformsConfig(c, realPlatformEndpoints()));
  return {
    connect: async (secretName) => {
      let credentials = await credentialsOf(secretName);
      let registry = build(credentials);
      return {
        registry,
        refresh: async () => {
          const latest = await credentialsOf(secretName);
          if (JSON.stringify(latest) !== JSON.stringify(credentials)) [credentials, registry] = [latest, build(latest)];
          return registry;
        },
      };
    },
  };
}

/** Credentials read (from the cache) by the calls that need them, and by no other (createLazyPlatformRegistry). */
export function platformsOnFirstNeed(credentialsOf: (secretName: string) => Promise<PlatformCredentials>): PlatformWiring {
  return {
    connect: async (secretName) => {
      const registry = createLazyPlatformRegistry(() => credentialsOf(secretName), realPlatformEndpoints());
      return { registry, refresh: async () => registry };
    },
  };
}
