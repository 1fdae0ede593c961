import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { LocalRequest, LocalResponse } from './http-types.js';
import type { LocalClaims } from './auth.js';

/** The API Gateway HTTP API (payload v2) event a route's Lambda gets, built from a local request. */
export function toHttpApiEvent(
  req: LocalRequest,
  routeKey: string,
  pathParameters: Record<string, string>,
  claims: LocalClaims | undefined,
  now: Date,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  // API Gateway joins repeated query keys with commas.
  const query: Record<string, string> = {};
  for (const [k, v] of req.query) query[k] = k in query ? `${query[k]},${v}` : v;
  const rawQueryString = req.query.toString();
  // As API Gateway does: the Cookie header's cookies go to `cookies`, not to `headers`.
  const { cookie, ...headers } = req.headers;
  const cookies = (cookie ?? '').split(';').map((c) => c.trim()).filter((c) => c.length > 0);
  return {
    version: '2.0',
    routeKey,
    rawPath: req.path,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(req.body ? { body: req.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: req.headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method: req.method, path: req.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: req.headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: claims?.sub ?? '', integrationLatency: 0, jwt: { claims: (claims ?? {}) as Record<string, string>, scopes: [] } },
    },
  };
}

export function fromHttpApiResult(result: APIGatewayProxyStructuredResultV2 | string | undefined): LocalResponse {
  if (result === undefined) return { status: 204 };
  if (typeof result === 'string') return { status: 200, headers: { 'content-type': 'application/json' }, body: result };
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  // Each entry of the result's `cookies` becomes its own Set-Cookie header.
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  return { status: result.statusCode ?? 200, headers, ...(body !== undefined ? { body } : {}) };
}

export { lambdaContext } from './services/lambda-context.js';
