import type { Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpErrors, type HttpEvent, type HttpResult } from '../../functions/lib/http.js';
import { AppError, SUPPORT_EMAIL } from '../../shared/domain/errors.js';
import { callbackErrorMessage } from '../../shared/domain/notifications/callback-messages.js';
import type { Log } from '../../shared/use-cases/deps.js';

const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, with: () => silent };

function answerTo(error: Error): { status: number; body: { error: { code: string; message: string } } } {
  const request = { event: {} as HttpEvent, context: {} as Context, response: null, error, internal: {} } as Request<HttpEvent, HttpResult, Error, Context>;
  void httpErrors(silent).onError!(request);
  return { status: request.response!.statusCode!, body: JSON.parse(request.response!.body!) as { error: { code: string; message: string } } };
}

describe('API error answers', () => {
  it('answers a bug with 500 INTERNAL in the same words, and the same support line, as every other INTERNAL message', () => {
    const answer = answerTo(new TypeError('x is undefined'));
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('INTERNAL');
    expect(answer.body.error.message).toBe(callbackErrorMessage('INTERNAL'));
    expect(answer.body.error.message).toContain(`email ${SUPPORT_EMAIL} and include this error code: INTERNAL.`);
    expect(answer.body.error.message).not.toContain('x is undefined');
  });

  it('answers an AppError with its own code and message', () => {
    const answer = answerTo(new AppError('NOT_FOUND', 'Post was not found.'));
    expect(answer).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'Post was not found.' } } });
  });
});
