import { Logger } from '@aws-lambda-powertools/logger';

/**
 * No secret reaches a log line, whatever the log level and POWERTOOLS_LOGGER_LOG_EVENT say: every
 * line is serialised through `secretReplacer`, which blanks secret-named keys at any depth AND scrubs
 * secret-looking values inside any string (a callback's `rawQueryString`, a header, a cookie, an
 * error message, a platform's answer), because a secret does not always sit under a telling key.
 */

const REDACTED = '[REDACTED]';

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const SECRET_KEYS = /token|secret|authorization|code_verifier|codeverifier|password|ciphertext|datakey|cookie|^code$|^state$/i;

/** OAuth / platform parameter names whose values are credentials, as they appear in query strings and forms. */
const SECRET_PARAMS =
  'code|state|access_token|refresh_token|id_token|token|code_verifier|code_challenge|client_secret|oauth_token|oauth_verifier|fb_exchange_token|input_token|assertion|password|session|sig|signature|link';

const SCRUBBERS: readonly [RegExp, string][] = [
  // name=value in a query string, form body, URL or cookie header: `code=abc&state=xyz`.
  [new RegExp(`(^|[?&;,\\s"'#])((?:${SECRET_PARAMS})=)[^&;,\\s"'#]+`, 'gi'), `$1$2${REDACTED}`],
  // "name": "value" inside a string that holds JSON (a platform's token answer, a request body).
  [/("(?:access_token|refresh_token|id_token|accessToken|refreshToken|codeVerifier|code_verifier|client_secret|token)"\s*:\s*")[^"]*/gi, `$1${REDACTED}`],
  // Authorization schemes.
  [/\b(Bearer|Basic|OAuth)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // JWTs (session tokens, id tokens) wherever they appear.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** A string with every secret-looking value replaced by [REDACTED]. */
export function scrubSecrets(value: string): string {
  return SCRUBBERS.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), value);
}

/** JSON replacer that blanks secret-named keys and scrubs every string value, at any depth. */
export function secretReplacer(key: string, value: unknown): unknown {
  if (key && SECRET_KEYS.test(key)) return REDACTED;
  if (typeof value === 'string') return scrubSecrets(value);
  // Powertools formats errors after this replacer runs: scrub their texts here.
  if (value instanceof Error) return { name: value.name, message: scrubSecrets(value.message), ...(value.stack ? { stack: scrubSecrets(value.stack) } : {}) };
  return value;
}

/** Powertools Logger whose every line passes through `secretReplacer`. */
export function createLogger(serviceName = 'flamel-connections'): Logger {
  return new Logger({ serviceName, jsonReplacerFn: secretReplacer });
}

/**
 * Options for `injectLambdaContext` on the HTTP handlers: their events carry the callback's
 * code and state, cookies and bearer tokens, so they are never logged whole, whatever
 * POWERTOOLS_LOGGER_LOG_EVENT says (the replacer would scrub them; this keeps them out entirely).
 */
export const HTTP_LOGGER_OPTIONS = { resetKeys: true, logEvent: false } as const;
