/**
 * HTTP routes of the contract (docs/contract/openapi.json, built from these and functions/http/contract.ts). API Gateway routes, the local router and the tests
 * all come from this list; `routeKey` is what API Gateway puts in the v2 event.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The function serving it (shared/config/functions.ts). */
  fn: 'api' | 'oauthCallback';
  /** Needs a bearer JWT (the HTTP API's JWT authorizer in AWS). */
  auth: boolean;
}

export const ROUTES = [
  { method: 'POST', path: '/workspaces', fn: 'api', auth: true },
  { method: 'POST', path: '/hubs', fn: 'api', auth: true },
  { method: 'POST', path: '/hubs/{hubId}/workspaces', fn: 'api', auth: true },
  { method: 'GET', path: '/workspaces/{workspaceId}/connections', fn: 'api', auth: true },
  { method: 'POST', path: '/workspaces/{workspaceId}/connections', fn: 'api', auth: true },
  { method: 'POST', path: '/workspaces/{workspaceId}/connections/{connectionId}/reconnect', fn: 'api', auth: true },
  { method: 'DELETE', path: '/workspaces/{workspaceId}/connections/{connectionId}', fn: 'api', auth: true },
  { method: 'POST', path: '/workspaces/{workspaceId}/posts', fn: 'api', auth: true },
  { method: 'GET', path: '/workspaces/{workspaceId}/posts/{postId}', fn: 'api', auth: true },
  { method: 'GET', path: '/workspaces/{workspaceId}/alerts', fn: 'api', auth: true },
  // Addition to the contract: the per-workspace retry option (README changelog).
  { method: 'PUT', path: '/workspaces/{workspaceId}/settings', fn: 'api', auth: true },
  // Contract additions of 2026-11-30: platform incidents (any signed-in user).
  { method: 'GET', path: '/platform-status', fn: 'api', auth: true },
  // Contract additions of 2026-11-30: the lists the dashboard needs.
  { method: 'GET', path: '/workspaces', fn: 'api', auth: true },
  { method: 'GET', path: '/hubs', fn: 'api', auth: true },
  { method: 'GET', path: '/hubs/{hubId}/workspaces', fn: 'api', auth: true },
  { method: 'GET', path: '/workspaces/{workspaceId}/posts', fn: 'api', auth: true },
  // Contract additions of 2026-11-30: preferences and late posts (owners ahead).
  { method: 'GET', path: '/workspaces/{workspaceId}/notification-preferences', fn: 'api', auth: true },
  { method: 'PUT', path: '/workspaces/{workspaceId}/notification-preferences', fn: 'api', auth: true },
  { method: 'POST', path: '/workspaces/{workspaceId}/posts/{postId}/publish-now', fn: 'api', auth: true },
  { method: 'DELETE', path: '/workspaces/{workspaceId}/posts/{postId}', fn: 'api', auth: true },
  { method: 'GET', path: '/oauth/{platform}/callback', fn: 'oauthCallback', auth: false },
  // Contract additions of 2026-11-30: reconnect links (opened with no Flamel sign-in) and history.
  { method: 'POST', path: '/workspaces/{workspaceId}/connections/{connectionId}/reconnect-link', fn: 'api', auth: true },
  { method: 'DELETE', path: '/workspaces/{workspaceId}/connections/{connectionId}/reconnect-link', fn: 'api', auth: true },
  { method: 'GET', path: '/workspaces/{workspaceId}/connections/{connectionId}/history', fn: 'api', auth: true },
  { method: 'GET', path: '/reconnect/{token}', fn: 'oauthCallback', auth: false },
] as const satisfies readonly RouteSpec[];

type Route = (typeof ROUTES)[number];
/** `METHOD /path` of one route (distributed over a union: never a method of one route with the path of another). */
type KeyOf<R extends RouteSpec> = R extends RouteSpec ? `${R['method']} ${R['path']}` : never;
export type RouteKey = KeyOf<Route>;
/** The routes one function serves, e.g. `FunctionRouteKey<'api'>`: its route table must list exactly these. */
export type FunctionRouteKey<F extends RouteSpec['fn']> = KeyOf<Extract<Route, { fn: F }>>;

export function routeKeyOf<R extends RouteSpec>(route: R): KeyOf<R> {
  return `${route.method} ${route.path}` as KeyOf<R>;
}

/** Matches a concrete path against a route template; returns its path parameters or undefined. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    const val = p[i]!;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      try {
        params[seg.slice(1, -1)] = decodeURIComponent(val);
      } catch {
        return undefined;
      }
    } else if (seg !== val) {
      return undefined;
    }
  }
  return params;
}

/** Largest request body the API accepts (bytes); larger ones are refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;
