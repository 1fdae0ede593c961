/**
 * Every error a person can see carries a stable code and a message that says what to do.
 * The HTTP status is chosen at the edge (functions/http), never here.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'WORKSPACE_CONTEXT_REQUIRED',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'CONFLICT',
  'STATE_INVALID',
  'STATE_EXPIRED',
  'STATE_USED',
  'ACCESS_DENIED',
  'WRONG_ACCOUNT',
  'ADMIN_ROLE_REQUIRED',
  'PLATFORM_UNAVAILABLE',
  'INTEGRATION_PROBLEM',
  'CONNECTION_NOT_ACTIVE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A conditional write lost a race: somebody else changed the item first. */
export class VersionConflictError extends AppError {
  override readonly name = 'VersionConflictError';
  constructor(what: string, options?: { cause?: unknown }) {
    super('CONFLICT', `${what} was changed by someone else at the same moment. Reload and try again.`, options);
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(what: string) {
    super('NOT_FOUND', `${what} was not found. It may have been removed.`);
  }
}

export const SUPPORT_EMAIL = 'support@flamel.ai';

/** What a person is told when the fault is ours (an unexpected error, code INTERNAL), before the support line. */
export const INTERNAL_ERROR_TEXT = 'Something went wrong on our side. Try again in a minute.';

/** The line every user-facing error ends with, so support gets the exact code. */
export function supportLine(code: string): string {
  return `If it keeps failing, email ${SUPPORT_EMAIL} and include this error code: ${code}.`;
}
