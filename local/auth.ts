import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../shared/ports/misc.js';

/** Local stand-in for the identity provider: HS256 tokens whose age follows the movable clock. */
export const LOCAL_ISSUER = 'flamel-local';
export const LOCAL_AUDIENCE = 'flamel-connections';
const SESSION_HOURS = 12;

export interface LocalClaims {
  sub: string;
  email?: string;
  [claim: string]: unknown;
}

export class LocalAuth {
  constructor(
    private readonly secret: Uint8Array,
    private readonly clock: Clock,
  ) {}

  async issue(userId: string, email: string): Promise<string> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({ email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + SESSION_HOURS * 3600)
      .sign(this.secret);
  }

  /** The claims the HTTP API's JWT authorizer would pass on, or undefined for a bad token. */
  async verify(authorization: string | undefined): Promise<LocalClaims | undefined> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m?.[1]) return undefined;
    try {
      const { payload } = await jwtVerify(m[1], this.secret, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
      });
      if (typeof payload.sub !== 'string') return undefined;
      return payload as LocalClaims;
    } catch {
      return undefined;
    }
  }
}
