import { Logger } from '@aws-lambda-powertools/logger';

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const SECRET_KEYS = /token|secret|authorization|code_verifier|codeverifier|password|ciphertext|datakey|^code$|^state$/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[REDACTED]' : redact(v, depth + 1)]),
  );
}

/** Powertools Logger whose every extra field passes through `redact`. */
export function createLogger(serviceName = 'flamel-connections'): Logger {
  return new Logger({ serviceName, jsonReplacerFn: (key: string, value: unknown) => (key && SECRET_KEYS.test(key) ? '[REDACTED]' : value) });
}
