import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import type { infer as Infer, ZodMiniType } from 'zod/mini';
import { discardPost, publishNow, updateWorkspaceSettings } from '../../shared/use-cases/late-posts.js';
import { getNotificationPreferences, updateNotificationPreferences } from '../../shared/use-cases/preferences.js';
import { AppError } from '../../shared/domain/errors.js';
import { shownText } from '../../shared/domain/notifications/format.js';
import {
  listConnectedAccounts,
  removeConnection,
  startConnect,
  startReconnect,
} from '../../shared/use-cases/connections.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { getPost, schedulePost } from '../../shared/use-cases/posts.js';
import { listPlatformStatuses } from '../../shared/use-cases/platform-status.js';
import { listAdministeredHubs, listHubWorkspaces, listOwnedWorkspaces, listPosts } from '../../shared/use-cases/lists.js';
import { connectionHistory } from '../../shared/use-cases/history.js';
import { createReconnectLink, revokeReconnectLinks } from '../../shared/use-cases/reconnect-links.js';
import { addWorkspaceToHub, createHub, createWorkspace, workspaceForActor } from '../../shared/use-cases/workspaces.js';
import { actorOf, header, httpErrors, json, parseBody, pathParam, signInStarted, type HttpEvent, type HttpResult } from '../lib/http.js';
import type { FunctionRouteKey } from '../../shared/config/routes.js';
import { HTTP_CONTRACT, type RouteContract } from './contract.js';
import { HTTP_LOGGER_OPTIONS } from '../../shared/adapters/logger.js';
import { lazyHandler, logger, metrics } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyEventBus, lazyMailer, lazyQueueSender } from '../lib/aws/senders.js';
import { secretsManagerPlatforms } from '../lib/aws/platforms.js';

/** Validates the query string (the lists' filters); a bad one is 400 VALIDATION_FAILED, like a bad body. */
function parseQuery<T extends ZodMiniType>(event: HttpEvent, schema: T): Infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', `Invalid query parameter ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid input'}.`);
  }
  return parsed.data;
}

type ApiRouteKey = FunctionRouteKey<'api'>;
type Spec<K extends ApiRouteKey> = (typeof HTTP_CONTRACT)[K];
type Parsed<S> = S extends ZodMiniType ? Infer<S> : never;

/** A route's request and answer, as its entry in ./contract.ts says. */
interface Io<K extends ApiRouteKey> {
  /** The body, validated by the route's schema; read after the access rules, so a stranger learns nothing from a 400. */
  body(): Parsed<Spec<K> extends { body: infer S } ? S : never>;
  query(): Parsed<Spec<K> extends { query: infer S } ? S : never>;
  status: Spec<K>['status'];
  /** The success answer with the documented status; its body must match the route's response schema. */
  reply(...body: Spec<K> extends { response: infer S } ? [Parsed<S>] : []): HttpResult;
}
type Route<K extends ApiRouteKey> = (deps: Deps, event: HttpEvent, io: Io<K>) => Promise<HttpResult>;
type AnyRoute = (deps: Deps, event: HttpEvent, io: { status: number; body(): unknown; query(): unknown; reply(body?: unknown): HttpResult }) => Promise<HttpResult>;

function ioOf(spec: RouteContract, event: HttpEvent): Parameters<AnyRoute>[2] {
  return {
    status: spec.status,
    body: () => (spec.body ? parseBody(event, spec.body) : undefined),
    query: () => (spec.query ? parseQuery(event, spec.query) : undefined),
    reply: (body?: unknown) => json(spec.status, body),
  };
}

/** Loads the workspace after the access rules (owner; hub admin in context). */
async function workspace(deps: Deps, event: HttpEvent) {
  return workspaceForActor(deps, actorOf(event), pathParam(event, 'workspaceId'), header(event, 'x-workspace-context'));
}

/** One entry per route of shared/config/routes.ts served by this function, keyed by API Gateway's routeKey. */
const routes: { [K in ApiRouteKey]: Route<K> } = {
  'POST /workspaces': async (deps, e, io) => io.reply(await createWorkspace(deps, actorOf(e), io.body())),
  'POST /hubs': async (deps, e, io) => io.reply(await createHub(deps, actorOf(e), io.body())),
  'POST /hubs/{hubId}/workspaces': async (deps, e, io) => {
    await addWorkspaceToHub(deps, actorOf(e), pathParam(e, 'hubId'), io.body().workspaceId);
    return io.reply();
  },
  'GET /workspaces/{workspaceId}/connections': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply({ connections: await listConnectedAccounts(deps, ws.workspaceId) });
  },
  'POST /workspaces/{workspaceId}/connections': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return signInStarted(deps.config, io.status, await startConnect(deps, actorOf(e), ws.workspaceId, io.body().platform));
  },
  'POST /workspaces/{workspaceId}/connections/{connectionId}/reconnect': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return signInStarted(deps.config, io.status, await startReconnect(deps, actorOf(e), ws.workspaceId, pathParam(e, 'connectionId')));
  },
  'DELETE /workspaces/{workspaceId}/connections/{connectionId}': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    await removeConnection(deps, ws.workspaceId, pathParam(e, 'connectionId'));
    return io.reply();
  },
  'POST /workspaces/{workspaceId}/connections/{connectionId}/reconnect-link': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply(await createReconnectLink(deps, actorOf(e), ws, pathParam(e, 'connectionId'), io.body().email));
  },
  'DELETE /workspaces/{workspaceId}/connections/{connectionId}/reconnect-link': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    await revokeReconnectLinks(deps, actorOf(e), ws, pathParam(e, 'connectionId'));
    return io.reply();
  },
  'GET /workspaces/{workspaceId}/connections/{connectionId}/history': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply({ events: await connectionHistory(deps, ws.workspaceId, pathParam(e, 'connectionId')) });
  },
  'POST /workspaces/{workspaceId}/posts': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply(await schedulePost(deps, actorOf(e), ws.workspaceId, io.body()));
  },
  'GET /workspaces/{workspaceId}/posts/{postId}': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply(await getPost(deps, ws.workspaceId, pathParam(e, 'postId')));
  },
  'PUT /workspaces/{workspaceId}/settings': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply(await updateWorkspaceSettings(deps, ws.workspaceId, io.body()));
  },
  // Owners ahead (contract additions of 2026-11-30): preferences, publish-now, discard.
  'GET /workspaces/{workspaceId}/notification-preferences': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply(await getNotificationPreferences(deps, actorOf(e), ws.workspaceId));
  },
  'PUT /workspaces/{workspaceId}/notification-preferences': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply(await updateNotificationPreferences(deps, actorOf(e), ws.workspaceId, io.body()));
  },
  'POST /workspaces/{workspaceId}/posts/{postId}/publish-now': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    return io.reply(await publishNow(deps, ws.workspaceId, pathParam(e, 'postId')));
  },
  'DELETE /workspaces/{workspaceId}/posts/{postId}': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    await discardPost(deps, ws.workspaceId, pathParam(e, 'postId'));
    return io.reply();
  },
  'GET /platform-status': async (deps, e, io) => {
    actorOf(e);
    return io.reply({ platforms: await listPlatformStatuses(deps) });
  },
  // Lists the dashboard needs (contract additions of 2026-11-30).
  'GET /workspaces': async (deps, e, io) => io.reply({ workspaces: await listOwnedWorkspaces(deps, actorOf(e)) }),
  'GET /hubs': async (deps, e, io) => io.reply({ hubs: await listAdministeredHubs(deps, actorOf(e)) }),
  'GET /hubs/{hubId}/workspaces': async (deps, e, io) => io.reply({ workspaces: await listHubWorkspaces(deps, actorOf(e), pathParam(e, 'hubId')) }),
  'GET /workspaces/{workspaceId}/posts': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    const { limit, ...query } = io.query();
    return io.reply(await listPosts(deps, ws.workspaceId, { ...query, ...(limit ? { limit: Number(limit) } : {}) }));
  },
  'GET /workspaces/{workspaceId}/alerts': async (deps, e, io) => {
    const ws = await workspace(deps, e);
    const alerts = await deps.store.alerts.list(ws.workspaceId);
    return io.reply({
      alerts: alerts.map((a) => ({
        alertId: a.alertId,
        kind: a.kind,
        message: a.message,
        createdAt: a.createdAt,
        ...(a.connectionId ? { connectionId: a.connectionId } : {}),
        ...(a.postId ? { postId: a.postId } : {}),
        ...(a.resolvedAt ? { resolvedAt: a.resolvedAt } : {}),
      })),
    });
  },
};

function isApiRouteKey(key: string): key is ApiRouteKey {
  return Object.hasOwn(routes, key);
}

export function createApiHandler(deps: Deps) {
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, HTTP_LOGGER_OPTIONS))
    .use(logMetrics(metrics))
    .use(httpErrors(deps.log))
    .handler(async (event) => {
      const key = event.routeKey;
      if (!isApiRouteKey(key)) throw new AppError('NOT_FOUND', `No route ${key}.`);
      // Each route's io is typed by its own key; here one io serves whichever key came in.
      const route = routes[key] as AnyRoute;
      const result = await route(deps, event, ioOf(HTTP_CONTRACT[key], event));
      // Every view of user text (names, posts, alerts, platform messages) without bidi controls:
      // JSON.stringify writes them raw, so dropping them from the body reaches every string in it.
      return typeof result.body === 'string' ? { ...result, body: shownText(result.body) } : result;
    });
}

export const handler = lazyHandler(createApiHandler, awsDeps('api', { bus: lazyEventBus, queues: lazyQueueSender, mailer: lazyMailer, platforms: secretsManagerPlatforms }));
