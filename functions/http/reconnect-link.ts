import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Deps } from '../../shared/use-cases/deps.js';
import { openReconnectLink } from '../../shared/use-cases/reconnect-links.js';
import { bindingCookie } from '../lib/oauth-cookie.js';

/** The page a link's visitor lands on: it shows the words for `result` / `code` (web/link-result.html). */
export const LINK_RESULT_PAGE = '/app/link-result.html';

/**
 * GET /reconnect/{token}: a usable link sends the browser to the platform's sign-in with the state's
 * binding cookie, exactly as the Reconnect button's answer; any other goes to the link page, which
 * says why, and starts nothing. The address holds a secret: no referrer, no caching.
 */
export async function openLinkResponse(deps: Deps, token: string): Promise<APIGatewayProxyStructuredResultV2> {
  const opened = await openReconnectLink(deps, token);
  const headers = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  if (opened.ok) return { statusCode: 302, headers: { ...headers, location: opened.started.authorizeUrl }, cookies: [bindingCookie(deps.config, opened.started)] };
  const q = new URLSearchParams({ result: 'error', code: opened.code, ...(opened.platform ? { platform: opened.platform } : {}) });
  return { statusCode: 302, headers: { ...headers, location: `${deps.config.dashboardOrigin}${LINK_RESULT_PAGE}?${q.toString()}` } };
}
