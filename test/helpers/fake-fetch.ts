import { createPlatformRegistry, platformsConfig, realPlatformEndpoints, type ClientCredentials, type RegistryOptions } from '../../shared/adapters/platforms/index.js';
import type { PlatformRegistry } from '../../shared/ports/platform.js';

/** A request as a platform adapter sent it. */
export interface Seen {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that answers from `answer(request)` and remembers every request. */
export function fakeFetch(answer: (req: Seen) => Response | Promise<Response>): { fetchImpl: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const req: Seen = { url: new URL(String(input)), method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : '' };
    seen.push(req);
    return answer(req);
  }) as typeof fetch;
  return { fetchImpl, seen };
}

/** The real adapters on the real hosts, over `fetchImpl`, every platform with the same app credentials. */
export function realRegistry(fetchImpl: typeof fetch, creds: ClientCredentials, options: RegistryOptions): PlatformRegistry {
  return createPlatformRegistry(platformsConfig({ facebook: creds, instagram: creds, linkedin: creds, tiktok: creds, x: creds }, realPlatformEndpoints(), options), fetchImpl);
}
