import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { isPlatform } from '../../shared/config/platforms.js';
import { AppError } from '../../shared/domain/errors.js';
import { bindingCookieName } from '../../shared/domain/oauth-secrets.js';
import { completeOAuth } from '../../shared/use-cases/complete-oauth.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { HTTP_LOGGER_OPTIONS } from '../../shared/adapters/logger.js';
import { callbackRedirectMessage } from '../../shared/domain/notifications/callback-messages.js';
import { clearedBindingCookie, cookieOf } from '../lib/oauth-cookie.js';
import { startedByLink } from '../../shared/use-cases/reconnect-links.js';
import { LINK_RESULT_PAGE, openLinkResponse } from './reconnect-link.js';
import { lazyHandler, logger, metrics } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyEventBus } from '../lib/aws/senders.js';
import { kmsDataKeys } from '../lib/aws/kms.js';
import { secretsManagerPlatforms } from '../lib/aws/platforms.js';

/**
 * GET /oauth/{platform}/callback: finishes a connect / reconnect and sends the browser back to
 * the configured dashboard only (never to an address taken from the request), with
 * `result=connected|restored` or `result=error&code=CODE` (and `platform`, `connectionId`, and the
 * `message` written for the code in shared/domain/notifications/callback-messages.ts, never text from
 * the request). The page ignores `message` and looks the code up itself, so an address cannot make it
 * show any other text. Only the browser that started the sign-in (it
 * holds the state's binding cookie) can finish it. A sign-in started from a reconnect link lands on
 * the link page instead (its visitor has no Flamel sign-in). The same function opens those links
 * (GET /reconnect/{token}, ./reconnect-link.ts): both are the anonymous entry points of a sign-in.
 */
export function createOAuthCallbackHandler(deps: Deps) {
  const dashboard = `${deps.config.dashboardOrigin}/app/`;
  // A person who came through a reconnect link has no Flamel sign-in: they land on the link page, in words.
  const linkPage = `${deps.config.dashboardOrigin}${LINK_RESULT_PAGE}`;
  const to = (page: string) => (params: Record<string, string | undefined>, cookies: string[]): APIGatewayProxyStructuredResultV2 => {
    const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
    return {
      statusCode: 302,
      headers: { location: `${page}?${q.toString()}`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      ...(cookies.length ? { cookies } : {}),
    };
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, HTTP_LOGGER_OPTIONS))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      if (event.routeKey === 'GET /reconnect/{token}') return openLinkResponse(deps, event.pathParameters?.token ?? '');
      const platform = event.pathParameters?.platform;
      const q = event.queryStringParameters;
      const state = q?.state;
      // The sign-in is over whatever the outcome: its binding cookie (if this browser has it) goes.
      const cookieName = state ? bindingCookieName(state) : undefined;
      const browserSecret = cookieName ? cookieOf(event, cookieName) : undefined;
      const cookies = isPlatform(platform) && cookieName && browserSecret !== undefined ? [clearedBindingCookie(deps.config, platform, cookieName)] : [];
      let redirect = to(dashboard);
      try {
        if (await startedByLink(deps, state)) redirect = to(linkPage);
        if (!isPlatform(platform)) throw new AppError('VALIDATION_FAILED', 'Unknown platform in the callback address.');
        // API Gateway joins repeated keys with commas: a repeated state is refused as tampered.
        if (state?.includes(',')) throw new AppError('STATE_INVALID', 'This sign-in link is not valid. Go back to Connected Accounts and click Connect or Reconnect again.');
        const outcome = await completeOAuth(deps, platform, {
          state,
          code: q?.code,
          error: q?.error,
          errorDescription: q?.error_description,
          browserSecret,
        });
        return redirect({ result: outcome.result, connectionId: outcome.connectionId, platform }, cookies);
      } catch (error) {
        if (error instanceof AppError) {
          const connectionId = (error as AppError & { connectionId?: string }).connectionId;
          const known = isPlatform(platform) ? platform : undefined;
          return redirect({ result: 'error', code: error.code, message: callbackRedirectMessage(error.code, known), connectionId, platform: known }, cookies);
        }
        deps.log.error('oauth callback failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
        const known = isPlatform(platform) ? platform : undefined;
        return redirect({ result: 'error', code: 'INTERNAL', message: callbackRedirectMessage('INTERNAL', known), platform: known }, cookies);
      }
    });
}

export const handler = lazyHandler(createOAuthCallbackHandler, awsDeps('oauthCallback', { bus: lazyEventBus, dataKeys: kmsDataKeys, platforms: secretsManagerPlatforms }));
