import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import type { infer as Infer, ZodMiniType } from 'zod/mini';
import { boolean, email, enum as zEnum, int, iso, regex, maxLength, maximum, minLength, minimum, nullable, object, optional, refine, strictObject, string, trim, url, type ZodMiniBoolean, type ZodMiniOptional } from 'zod/mini';
import { STALE_POST_POLICIES } from '../../shared/domain/late-posts.js';
import { EMAIL_PREFERENCE_KEYS, type EmailPreferenceKey } from '../../shared/domain/preferences.js';
import { discardPost, publishNow, updateWorkspaceSettings } from '../../shared/use-cases/late-posts.js';
import { getNotificationPreferences, updateNotificationPreferences } from '../../shared/use-cases/preferences.js';
import { PLATFORMS, TIKTOK_PRIVACY_LEVELS } from '../../shared/config/platforms.js';
import { AppError } from '../../shared/domain/errors.js';
import { hasVisibleText, isWellFormedText, shownText } from '../../shared/domain/notifications/format.js';
import {
  listConnectedAccounts,
  removeConnection,
  startConnect,
  startReconnect,
} from '../../shared/use-cases/connections.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { getPost, schedulePost } from '../../shared/use-cases/posts.js';
import { listPlatformStatuses } from '../../shared/use-cases/platform-status.js';
import { listAdministeredHubs, listHubWorkspaces, listOwnedWorkspaces, listPosts, POSTS_PAGE_MAX } from '../../shared/use-cases/lists.js';
import { PUBLIC_POST_STATUSES } from '../../shared/domain/lists.js';
import { connectionHistory } from '../../shared/use-cases/history.js';
import { createReconnectLink, revokeReconnectLinks } from '../../shared/use-cases/reconnect-links.js';
import { addWorkspaceToHub, createHub, createWorkspace, workspaceForActor } from '../../shared/use-cases/workspaces.js';
import { actorOf, header, httpErrors, json, parseBody, pathParam, signInStarted, type HttpEvent, type HttpResult } from '../lib/http.js';
import { HTTP_LOGGER_OPTIONS } from '../../shared/adapters/logger.js';
import { lazyHandler, logger, metrics } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyEventBus, lazyMailer, lazyQueueSender } from '../lib/aws/senders.js';
import { secretsManagerPlatforms } from '../lib/aws/platforms.js';

// A lone UTF-16 surrogate (JSON allows "\ud800") is not text: it cannot be stored, shown or sent on.
const wellFormed = refine<string>(isWellFormedText, { message: 'contains an unpaired surrogate (invalid Unicode)' });
const visible = refine<string>(hasVisibleText, { message: 'must contain visible characters (not only spaces, control or invisible characters)' });
const name = string().check(trim(), minLength(1), maxLength(120), wellFormed, visible);
const id = string().check(minLength(1), maxLength(128), wellFormed);
const schemas = {
  workspace: object({ name, hubId: optional(id) }),
  hub: object({ name }),
  hubWorkspace: object({ workspaceId: id }),
  connect: object({ platform: zEnum(PLATFORMS) }),
  post: object({
    connectionId: id,
    text: string().check(minLength(1), maxLength(5000), wellFormed, visible),
    // Impossible dates (2026-02-30) fail here; the horizon needs the clock: schedulePost checks it.
    publishAt: iso.datetime({ offset: true }),
    // Scheme and host rules need configuration (the local runtime's own origin): schedulePost checks them.
    mediaUrl: optional(url().check(maxLength(2048), wellFormed)),
    tiktok: optional(object({ privacyLevel: zEnum(TIKTOK_PRIVACY_LEVELS) })),
  }),
  // null: retry every failed post however late (the default); N: skip those more than N hours late.
  // GET /workspaces/{ws}/posts: query parameters arrive as strings.
  postsQuery: object({
    connectionId: optional(id),
    status: optional(zEnum(PUBLIC_POST_STATUSES)),
    nextToken: optional(string().check(minLength(1), maxLength(1024))),
    limit: optional(string().check(regex(/^[1-9]\d{0,2}$/), refine((v) => Number(v) <= POSTS_PAGE_MAX, { message: `at most ${POSTS_PAGE_MAX}` }))),
  }),
  reconnectLink: object({ email: optional(email().check(maxLength(254), wellFormed)) }),
  // stalePosts: what a restore does with posts more than afterHours late (null: back to retry).
  settings: object({
    skipRetriesOlderThanHours: optional(nullable(int().check(minimum(1), maximum(24 * 365)))),
    stalePosts: optional(nullable(strictObject({ policy: zEnum(STALE_POST_POLICIES), afterHours: optional(int().check(minimum(1), maximum(24 * 365))) }))),
  }),
  // Full or partial: switches left out keep their value; unknown names are refused (a typo is not "on").
  preferences: strictObject({ email: strictObject(Object.fromEntries(EMAIL_PREFERENCE_KEYS.map((k) => [k, optional(boolean())])) as Record<EmailPreferenceKey, ZodMiniOptional<ZodMiniBoolean>>) }),
};

/** Validates the query string (the lists' filters); a bad one is 400 VALIDATION_FAILED, like a bad body. */
function parseQuery<T extends ZodMiniType>(event: HttpEvent, schema: T): Infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', `Invalid query parameter ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid input'}.`);
  }
  return parsed.data;
}

type Route = (deps: Deps, event: HttpEvent) => Promise<HttpResult>;

/** Loads the workspace after the access rules (owner; hub admin in context). */
async function workspace(deps: Deps, event: HttpEvent) {
  return workspaceForActor(deps, actorOf(event), pathParam(event, 'workspaceId'), header(event, 'x-workspace-context'));
}

/** One entry per route of shared/config/routes.ts served by this function, keyed by API Gateway's routeKey. */
const routes: Record<string, Route> = {
  'POST /workspaces': async (deps, e) => json(201, await createWorkspace(deps, actorOf(e), parseBody(e, schemas.workspace))),
  'POST /hubs': async (deps, e) => json(201, await createHub(deps, actorOf(e), parseBody(e, schemas.hub))),
  'POST /hubs/{hubId}/workspaces': async (deps, e) => {
    await addWorkspaceToHub(deps, actorOf(e), pathParam(e, 'hubId'), parseBody(e, schemas.hubWorkspace).workspaceId);
    return json(204);
  },
  'GET /workspaces/{workspaceId}/connections': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(200, { connections: await listConnectedAccounts(deps, ws.workspaceId) });
  },
  'POST /workspaces/{workspaceId}/connections': async (deps, e) => {
    const ws = await workspace(deps, e);
    return signInStarted(deps.config, 201, await startConnect(deps, actorOf(e), ws.workspaceId, parseBody(e, schemas.connect).platform));
  },
  'POST /workspaces/{workspaceId}/connections/{connectionId}/reconnect': async (deps, e) => {
    const ws = await workspace(deps, e);
    return signInStarted(deps.config, 200, await startReconnect(deps, actorOf(e), ws.workspaceId, pathParam(e, 'connectionId')));
  },
  'DELETE /workspaces/{workspaceId}/connections/{connectionId}': async (deps, e) => {
    const ws = await workspace(deps, e);
    await removeConnection(deps, ws.workspaceId, pathParam(e, 'connectionId'));
    return json(204);
  },
  'POST /workspaces/{workspaceId}/connections/{connectionId}/reconnect-link': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(201, await createReconnectLink(deps, actorOf(e), ws, pathParam(e, 'connectionId'), parseBody(e, schemas.reconnectLink).email));
  },
  'DELETE /workspaces/{workspaceId}/connections/{connectionId}/reconnect-link': async (deps, e) => {
    const ws = await workspace(deps, e);
    await revokeReconnectLinks(deps, actorOf(e), ws, pathParam(e, 'connectionId'));
    return json(204);
  },
  'GET /workspaces/{workspaceId}/connections/{connectionId}/history': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(200, { events: await connectionHistory(deps, ws.workspaceId, pathParam(e, 'connectionId')) });
  },
  'POST /workspaces/{workspaceId}/posts': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(201, await schedulePost(deps, actorOf(e), ws.workspaceId, parseBody(e, schemas.post)));
  },
  'GET /workspaces/{workspaceId}/posts/{postId}': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(200, await getPost(deps, ws.workspaceId, pathParam(e, 'postId')));
  },
  'PUT /workspaces/{workspaceId}/settings': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(200, await updateWorkspaceSettings(deps, ws.workspaceId, parseBody(e, schemas.settings)));
  },
  // Owners ahead (contract additions of 2026-11-30): preferences, publish-now, discard.
  'GET /workspaces/{workspaceId}/notification-preferences': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(200, await getNotificationPreferences(deps, actorOf(e), ws.workspaceId));
  },
  'PUT /workspaces/{workspaceId}/notification-preferences': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(200, await updateNotificationPreferences(deps, actorOf(e), ws.workspaceId, parseBody(e, schemas.preferences)));
  },
  'POST /workspaces/{workspaceId}/posts/{postId}/publish-now': async (deps, e) => {
    const ws = await workspace(deps, e);
    return json(202, await publishNow(deps, ws.workspaceId, pathParam(e, 'postId')));
  },
  'DELETE /workspaces/{workspaceId}/posts/{postId}': async (deps, e) => {
    const ws = await workspace(deps, e);
    await discardPost(deps, ws.workspaceId, pathParam(e, 'postId'));
    return json(204);
  },
  'GET /platform-status': async (deps, e) => {
    actorOf(e);
    return json(200, { platforms: await listPlatformStatuses(deps) });
  },
  // Lists the dashboard needs (contract additions of 2026-11-30).
  'GET /workspaces': async (deps, e) => json(200, { workspaces: await listOwnedWorkspaces(deps, actorOf(e)) }),
  'GET /hubs': async (deps, e) => json(200, { hubs: await listAdministeredHubs(deps, actorOf(e)) }),
  'GET /hubs/{hubId}/workspaces': async (deps, e) => json(200, { workspaces: await listHubWorkspaces(deps, actorOf(e), pathParam(e, 'hubId')) }),
  'GET /workspaces/{workspaceId}/posts': async (deps, e) => {
    const ws = await workspace(deps, e);
    const { limit, ...query } = parseQuery(e, schemas.postsQuery);
    return json(200, await listPosts(deps, ws.workspaceId, { ...query, ...(limit ? { limit: Number(limit) } : {}) }));
  },
  'GET /workspaces/{workspaceId}/alerts': async (deps, e) => {
    const ws = await workspace(deps, e);
    const alerts = await deps.store.alerts.list(ws.workspaceId);
    return json(200, {
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

export const API_ROUTE_KEYS = Object.keys(routes);

export function createApiHandler(deps: Deps) {
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, HTTP_LOGGER_OPTIONS))
    .use(logMetrics(metrics))
    .use(httpErrors(deps.log))
    .handler(async (event) => {
      const route = routes[event.routeKey];
      if (!route) throw new AppError('NOT_FOUND', `No route ${event.routeKey}.`);
      const result = await route(deps, event);
      // Every view of user text (names, posts, alerts, platform messages) without bidi controls:
      // JSON.stringify writes them raw, so dropping them from the body reaches every string in it.
      return typeof result.body === 'string' ? { ...result, body: shownText(result.body) } : result;
    });
}

export const handler = lazyHandler(createApiHandler, awsDeps('api', { bus: lazyEventBus, queues: lazyQueueSender, mailer: lazyMailer, platforms: secretsManagerPlatforms }));
