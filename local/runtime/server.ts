import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_SECURITY_HEADERS } from '../../functions/lib/http.js';
import { FUNCTIONS } from '../../shared/config/functions.js';
import { ROUTES, matchPath, routeKeyOf, type RouteSpec } from '../../shared/config/routes.js';
import type { Log } from '../../shared/use-cases/deps.js';
import { fromHttpApiResult, lambdaContext, toHttpApiEvent } from '../api-gateway.js';
import type { LocalAuth } from '../auth.js';
import { serveDashboard } from '../dashboard.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import type { MovableClock } from '../services/clock.js';

const MAX_REQUEST_BYTES = 1024 * 1024;
/** How much of a too-large body is read and thrown away so the 413 can be answered cleanly. */
const MAX_DRAINED_BYTES = 16 * MAX_REQUEST_BYTES;

export function jsonResponse(status: number, body: unknown): LocalResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
export function errorResponse(status: number, code: string, message: string): LocalResponse {
  return jsonResponse(status, { error: { code, message } });
}
/** What CloudFront's API response headers policy does: adds the API's security headers a handler did not set. */
function withApiHeaders(response: LocalResponse): LocalResponse {
  return { ...response, headers: { ...API_SECURITY_HEADERS, ...response.headers } };
}

/**
 * The request body, or undefined when it is larger than MAX_REQUEST_BYTES. A too-large body is still
 * read to its end (up to a bound) so the answer reaches the client on a connection left usable.
 */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DRAINED_BYTES) break; // a hostile stream: stop reading (the socket is dropped)
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Listens on 127.0.0.1; rejects when the port is taken (or bad). */
export async function listen(port: number): Promise<{ server: Server; url: string }> {
  const server = createServer();
  // Longer than clients' keep-alive, so an idle socket is never closed just as a client reuses it
  // (the race that shows up as ECONNRESET under load).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export type HttpFunction = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string | undefined>;

export interface RouterParts {
  /** POST /local/... and GET /local/... (./local-routes.ts), keyed `METHOD path`. */
  localRoutes: Record<string, (req: LocalRequest) => Promise<LocalResponse>>;
  sandbox: { route(req: LocalRequest): Promise<LocalResponse | undefined> };
  /** Called after a sandbox call that may have changed it (written before it is answered). */
  sandboxChanged(): void;
  auth: LocalAuth;
  clock: MovableClock;
  /** The very Lambda handlers of the HTTP API's routes. */
  httpFunctions: Record<RouteSpec['fn'], HttpFunction>;
}

/** What API Gateway, CloudFront (the dashboard) and the local extras do with one request. */
export function createRouter(parts: RouterParts): (req: LocalRequest) => Promise<LocalResponse> {
  return async (req) => {
    const local = parts.localRoutes[`${req.method} ${req.path}`];
    if (local) return local(req);
    if (req.path.startsWith('/sandbox/')) {
      const answer = (await parts.sandbox.route(req)) ?? errorResponse(404, 'NOT_FOUND', 'No such sandbox route.');
      // A platform keeps what it answered (a post, the tokens it issued) whatever happens to us: with a
      // data folder the sandbox writes what a changing call did before answering it, not a second later.
      if (req.method !== 'GET') parts.sandboxChanged();
      return answer;
    }
    if (req.path === '/' || req.path === '/app' || req.path.startsWith('/app/')) return serveDashboard(req);
    for (const spec of ROUTES) {
      if (spec.method !== req.method) continue;
      const params = matchPath(spec.path, req.path);
      if (!params) continue;
      let claims;
      if (spec.auth) {
        claims = await parts.auth.verify(req.headers.authorization);
        // What the HTTP API's JWT authorizer answers before any Lambda runs.
        if (!claims) return withApiHeaders(errorResponse(401, 'UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token> (locally from POST /local/login).'));
      }
      const event = toHttpApiEvent(req, routeKeyOf(spec), params, claims, parts.clock.now());
      const result = await parts.httpFunctions[spec.fn](event, lambdaContext(spec.fn, FUNCTIONS[spec.fn].timeoutSeconds));
      return withApiHeaders(fromHttpApiResult(result));
    }
    return errorResponse(404, 'NOT_FOUND', `No route ${req.method} ${req.path}.`);
  };
}

export interface Serving {
  /** From now on nothing new is acknowledged (503); the sandbox keeps answering the handlers finishing their batch. */
  stopAccepting(): void;
  /** Resolves once the requests already being answered are answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Hands each request to `route` as a LocalRequest and writes its answer; a throw is a 500 without its stack. */
export function serve(server: Server, url: string, route: (req: LocalRequest) => Promise<LocalResponse>, log: Log): Serving {
  let closing = false;
  const inFlight = new Set<Promise<void>>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const handled = (async () => {
      let response: LocalResponse;
      try {
        if (closing && !(req.url ?? '').startsWith('/sandbox/')) {
          response = errorResponse(503, 'INTERNAL', 'The local runtime is stopping; start it again and retry.');
          response.headers = { ...response.headers, connection: 'close' };
          res.writeHead(response.status, response.headers);
          res.end(response.body);
          return;
        }
        const body = await readBody(req);
        if (body === undefined) {
          response = errorResponse(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_REQUEST_BYTES / 1024} KB.`);
          // Not worth keeping the connection of a client that sends such bodies.
          response.headers = { ...response.headers, connection: 'close' };
        } else {
          const u = new URL(req.url ?? '/', url);
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
          response = await route({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers, body });
        }
      } catch (error) {
        log.error('local server error', { error: error instanceof Error ? error.stack ?? error.message : String(error) });
        response = errorResponse(500, 'INTERNAL', 'Something went wrong on our side.');
      }
      res.writeHead(response.status, response.headers ?? {});
      res.end(response.body ?? '');
    })();
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  return {
    stopAccepting: () => {
      closing = true;
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
