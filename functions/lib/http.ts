import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { MiddlewareObj } from '@middy/core';
import { config, type infer as Infer, type ZodMiniType } from 'zod/mini';
import { en } from 'zod/locales';
import { MAX_BODY_BYTES } from '../../shared/config/routes.js';
import type { Actor } from '../../shared/domain/access.js';
import { AppError, INTERNAL_ERROR_TEXT, supportLine, type ErrorCode } from '../../shared/domain/errors.js';
import type { AppConfig, Log } from '../../shared/use-cases/deps.js';
import type { StartedSignIn } from '../../shared/use-cases/connections.js';
import { bindingCookie } from './oauth-cookie.js';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

// Readable validation messages ("Too small: expected string to have >=1 characters").
config(en());

/** HTTP status per error code: chosen here, at the edge, and nowhere else. */
export const STATUS_OF: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  WORKSPACE_CONTEXT_REQUIRED: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  CONFLICT: 409,
  STATE_INVALID: 400,
  STATE_EXPIRED: 400,
  STATE_USED: 409,
  ACCESS_DENIED: 403,
  WRONG_ACCOUNT: 409,
  ADMIN_ROLE_REQUIRED: 403,
  PLATFORM_UNAVAILABLE: 503,
  INTEGRATION_PROBLEM: 503,
  CONNECTION_NOT_ACTIVE: 409,
  INTERNAL: 500,
};

/**
 * On every API answer (Lambda sets them here; CloudFront adds them, without overriding, to the
 * answers API Gateway makes itself, and so does the local runtime): JSON is never sniffed into
 * something a browser would run or render, never framed, and never cached (answers hold OAuth
 * authorize URLs and account data).
 */
export const API_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
} as const;

export function json(statusCode: number, body?: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...API_SECURITY_HEADERS },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

export function errorResult(code: ErrorCode, message: string): HttpResult {
  return json(STATUS_OF[code], { error: { code, message } });
}

/** Maps thrown errors to the contract's error shape; a bug answers 500 without leaking its details. */
export function httpErrors(log: Log): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof AppError) {
        request.response = errorResult(error.code, error.message);
        return;
      }
      log.error('unhandled error', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
      request.response = errorResult('INTERNAL', `${INTERNAL_ERROR_TEXT} ${supportLine('INTERNAL')}`);
    },
  };
}

/** The caller, from the claims the HTTP API's JWT authorizer verified (locally: the local runtime's verifier). */
export function actorOf(event: HttpEvent): Actor {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new AppError('UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token>.');
  return { userId: sub, ...(typeof claims.email === 'string' ? { email: claims.email } : {}) };
}

export function header(event: HttpEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Parses and validates a JSON body; oversized, malformed or invalid bodies change nothing. */
export function parseBody<T extends ZodMiniType>(event: HttpEvent, schema: T): Infer<T> {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
  }
  let data: unknown = {};
  if (raw.trim().length > 0) {
    try {
      data = JSON.parse(raw);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new AppError('VALIDATION_FAILED', `Invalid ${where}: ${issue?.message ?? 'invalid input'}.`);
  }
  return parsed.data;
}

export function pathParam(event: HttpEvent, name: string): string {
  const v = event.pathParameters?.[name];
  if (!v || v.length > 128) throw new AppError('VALIDATION_FAILED', `Missing or invalid ${name} in the path.`);
  return v;
}

/** A start-of-sign-in answer: `{authorizeUrl}` in the body, the binding secret in a cookie (never in the body). */
export function signInStarted(config: AppConfig, statusCode: number, started: StartedSignIn): HttpResult {
  return { ...json(statusCode, { authorizeUrl: started.authorizeUrl }), cookies: [bindingCookie(config, started)] };
}
