import { describe, expect, it } from 'vitest';
import { EXPIRY_REASONS } from '../../../shared/config/events.js';
import { PLATFORMS } from '../../../shared/config/platforms.js';
import {
  connectionExpiredErrorCode,
  parseConnectionExpiredErrorCode,
} from '../../../shared/domain/notifications/index.js';

describe('connection-expired error code', () => {
  it('is CONNECTION_EXPIRED/<platform>/<reason> and parses back', () => {
    expect(connectionExpiredErrorCode('facebook', 'password_changed')).toBe('CONNECTION_EXPIRED/facebook/password_changed');
    expect(connectionExpiredErrorCode('x', undefined)).toBe('CONNECTION_EXPIRED/x/unknown');
    for (const platform of PLATFORMS) {
      for (const reason of EXPIRY_REASONS) {
        const code = connectionExpiredErrorCode(platform, reason);
        expect(code).toMatch(/^[A-Za-z0-9_/]+$/);
        expect(parseConnectionExpiredErrorCode(code)).toEqual({ platform, reason });
        expect(parseConnectionExpiredErrorCode(` ${code} `)).toEqual({ platform, reason });
      }
    }
  });

  it('rejects anything else', () => {
    for (const code of ['', 'CONNECTION_EXPIRED', 'CONNECTION_EXPIRED/myspace/revoked', 'CONNECTION_EXPIRED/x/bored', 'OTHER/x/revoked', 'CONNECTION_EXPIRED/x/revoked/extra']) {
      expect(parseConnectionExpiredErrorCode(code)).toBeUndefined();
    }
  });
});
