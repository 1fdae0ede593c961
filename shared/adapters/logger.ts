import { Logger } from '@aws-lambda-powertools/logger';

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const SECRET_KEYS = /token|secret|authorization|code_verifier|codeverifier|password|ciphertext|datakey|^code$|^state$/i;

/** JSON replacer that blanks secret-looking keys at any depth (JSON.stringify walks the whole object). */
export function secretReplacer(key: string, value: unknown): unknown {
  return key && SECRET_KEYS.test(key) ? '[REDACTED]' : value;
}

/** Powertools Logger whose every line passes through `secretReplacer`. */
export function createLogger(serviceName = 'flamel-connections'): Logger {
  return new Logger({ serviceName, jsonReplacerFn: secretReplacer });
}
