import type { Platform } from '../../shared/config/platforms.js';
import { OAUTH_STATE_TTL_MINUTES } from '../../shared/domain/oauth-state.js';
import type { BrowserBinding } from '../../shared/domain/oauth-secrets.js';
import { redirectUriFor, type AppConfig } from '../../shared/use-cases/deps.js';

/**
 * The cookie that binds a sign-in to the browser that started it (see shared/domain/oauth-secrets.ts).
 * HttpOnly (no script reads it); SameSite=Lax (sent on the platform's top-level redirect back, not
 * on cross-site subrequests); sent only to that platform's callback path; Secure where the API is
 * served over https (a browser drops a Secure cookie set over plain http, so locally it is left
 * off); it lives as long as the state.
 */
function cookie(config: AppConfig, platform: Platform, name: string, value: string, maxAgeSeconds: number): string {
  const callback = new URL(redirectUriFor(config, platform));
  const secure = callback.protocol === 'https:' ? '; Secure' : '';
  return `${name}=${value}; Path=${callback.pathname}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

export function bindingCookie(config: AppConfig, started: { platform: Platform; browserBinding: BrowserBinding }): string {
  return cookie(config, started.platform, started.browserBinding.cookieName, started.browserBinding.secret, OAUTH_STATE_TTL_MINUTES * 60);
}

/** Expires a binding cookie: the sign-in is over, whatever its outcome. */
export function clearedBindingCookie(config: AppConfig, platform: Platform, name: string): string {
  return cookie(config, platform, name, '', 0);
}

/** A request cookie's value. HTTP API payload v2 puts the request's cookies in `event.cookies` ("name=value" each), not in `headers`. */
export function cookieOf(event: { cookies?: string[] }, name: string): string | undefined {
  for (const c of event.cookies ?? []) {
    const eq = c.indexOf('=');
    if (eq > 0 && c.slice(0, eq).trim() === name) return c.slice(eq + 1).trim();
  }
  return undefined;
}
