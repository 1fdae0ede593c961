/**
 * A browser's cookie jar for one host, as much of RFC 6265 as the system uses: Set-Cookie with
 * Path and Max-Age is stored, Max-Age=0 deletes, and a request carries the cookies whose path
 * matches its own. Test clients keep one per "browser", so a sign-in finishes only where it started.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string; expiresAt: number }>();

  /** Keeps what a response set. */
  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      let path = '/';
      let expiresAt = Number.POSITIVE_INFINITY;
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=');
        if (k.toLowerCase() === 'path' && v.startsWith('/')) path = v;
        if (k.toLowerCase() === 'max-age') expiresAt = Date.now() + Number(v) * 1000;
      }
      const key = `${name};${path}`;
      if (expiresAt <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, { value: pair.slice(eq + 1), path, expiresAt });
    }
  }

  /** The Cookie header for a request to `url` (undefined when none applies). */
  header(url: string): string | undefined {
    const path = new URL(url).pathname;
    const now = Date.now();
    const out: string[] = [];
    for (const [key, c] of this.cookies) {
      if (c.expiresAt <= now) {
        this.cookies.delete(key);
        continue;
      }
      const matches = path === c.path || (path.startsWith(c.path) && (c.path.endsWith('/') || path[c.path.length] === '/'));
      if (matches) out.push(`${key.slice(0, key.indexOf(';'))}=${c.value}`);
    }
    return out.length ? out.join('; ') : undefined;
  }

  /** A fetch that sends and keeps this jar's cookies. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = this.header(url);
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers });
    this.store(res.headers);
    return res;
  }
}
