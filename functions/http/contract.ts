/**
 * The HTTP contract, one entry per route of shared/config/routes.ts: what it does, its request body
 * and query, its success status and the body it answers. The API function parses requests and types
 * its answers with these schemas; contract/openapi.ts builds docs/contract/openapi.json from them.
 */
// Named imports from zod/mini keep the API bundle small (the `z` namespace pulls in all of zod).
import {
  array,
  boolean,
  email,
  enum as zEnum,
  int,
  iso,
  literal,
  maxLength,
  maximum,
  minimum,
  minLength,
  nullable,
  object,
  optional,
  refine,
  regex,
  strictObject,
  string,
  trim,
  union,
  url,
  type ZodMiniBoolean,
  type ZodMiniOptional,
  type ZodMiniType,
} from 'zod/mini';
import { EXPIRY_REASONS } from '../../shared/config/events.js';
import { PLATFORMS, TIKTOK_PRIVACY_LEVELS } from '../../shared/config/platforms.js';
import type { RouteKey } from '../../shared/config/routes.js';
import { ERROR_CODES } from '../../shared/domain/errors.js';
import { STALE_POST_POLICIES } from '../../shared/domain/late-posts.js';
import { PUBLIC_POST_STATUSES } from '../../shared/domain/lists.js';
import { hasVisibleText, isWellFormedText } from '../../shared/domain/notifications/format.js';
import { EMAIL_PREFERENCE_KEYS, type EmailPreferenceKey } from '../../shared/domain/preferences.js';
import { POSTS_PAGE_MAX } from '../../shared/use-cases/lists.js';

// --- requests ---------------------------------------------------------------------------------
// A lone UTF-16 surrogate (JSON allows "\ud800") is not text: it cannot be stored, shown or sent on.
const wellFormed = refine<string>(isWellFormedText, { message: 'contains an unpaired surrogate (invalid Unicode)' });
const visible = refine<string>(hasVisibleText, { message: 'must contain visible characters (not only spaces, control or invisible characters)' });
const name = string().check(trim(), minLength(1), maxLength(120), wellFormed, visible);
const id = string().check(minLength(1), maxLength(128), wellFormed);
const hours = int().check(minimum(1), maximum(24 * 365));
const booleans = <K extends string>(keys: readonly K[], value: () => ZodMiniType) => Object.fromEntries(keys.map((k) => [k, value()])) as Record<K, ZodMiniType>;

const requests = {
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
  // GET /workspaces/{ws}/posts: query parameters arrive as strings.
  postsQuery: object({
    connectionId: optional(id),
    status: optional(zEnum(PUBLIC_POST_STATUSES)),
    nextToken: optional(string().check(minLength(1), maxLength(1024))),
    limit: optional(string().check(regex(/^[1-9]\d{0,2}$/), refine((v) => Number(v) <= POSTS_PAGE_MAX, { message: `at most ${POSTS_PAGE_MAX}` }))),
  }),
  reconnectLink: object({ email: optional(email().check(maxLength(254), wellFormed)) }),
  // null: retry every failed post however late (the default); N: skip those more than N hours late.
  // stalePosts: what a restore does with posts more than afterHours late (null: back to retry).
  settings: object({
    skipRetriesOlderThanHours: optional(nullable(hours)),
    stalePosts: optional(nullable(strictObject({ policy: zEnum(STALE_POST_POLICIES), afterHours: optional(hours) }))),
  }),
  // Full or partial: switches left out keep their value; unknown names are refused (a typo is not "on").
  preferences: strictObject({
    email: strictObject(booleans(EMAIL_PREFERENCE_KEYS, () => optional(boolean())) as Record<EmailPreferenceKey, ZodMiniOptional<ZodMiniBoolean>>),
  }),
};

// --- responses ----------------------------------------------------------------------------------
// Times are ISO-8601 UTC strings (CONTRACT.md), written by toISOString().
const time = iso.datetime();
const count = int().check(minimum(0));
const postView = {
  postId: string(),
  connectionId: string(),
  status: zEnum(PUBLIC_POST_STATUSES),
  attempts: count,
  publishAt: time,
  platformPostId: optional(string()),
  lastError: optional(object({ code: string(), message: string() })),
};
const signIn = object({ authorizeUrl: url() });
const scheduled = object({ postId: string(), status: literal('scheduled') });
const preferences = object({ email: object(booleans(EMAIL_PREFERENCE_KEYS, boolean) as Record<EmailPreferenceKey, ZodMiniBoolean>) });
const historyEvent = union([
  object({ at: time, type: literal('connected') }),
  object({ at: time, type: literal('check_failed'), count: optional(count), until: optional(time) }),
  object({ at: time, type: literal('expiring'), deadline: time }),
  object({ at: time, type: literal('expired'), reason: string(), errorCode: string(), platformMessage: optional(string()), episodeId: string() }),
  object({ at: time, type: literal('email_sent'), to: string(), kind: string() }),
  object({ at: time, type: literal('reconnect_failed'), code: string(), viaLink: optional(boolean()) }),
  object({ at: time, type: literal('restored'), episodeId: string() }),
  object({ at: time, type: literal('post_retried'), postId: string(), status: string() }),
  object({ at: time, type: literal('link_created'), by: string(), expiresAt: time, emailedTo: optional(string()) }),
  object({ at: time, type: literal('link_used') }),
  object({ at: time, type: literal('links_revoked'), by: string() }),
]);

/** Every error answer: a stable code and what a person should do. */
export const errorBodySchema = object({ error: object({ code: zEnum(ERROR_CODES), message: string() }) });

const s = {
  ConnectionRow: object({
    connectionId: string(),
    platform: zEnum(PLATFORMS),
    externalAccountId: string(),
    displayName: string(),
    status: zEnum(['active', 'expiring', 'expired']),
    badge: zEnum(['green', 'amber', 'red']),
    reason: optional(zEnum(EXPIRY_REASONS)),
    guidance: optional(string()),
    expiresAt: optional(time),
    lastCheckedAt: optional(time),
    errorCode: optional(string()),
    platformMessage: optional(string()),
    platformOutageSuspected: optional(boolean()),
    platformStatus: optional(zEnum(['outage', 'integration_problem'])),
    postsAtRisk: optional(object({ count, nextPublishAt: optional(time) })),
  }),
  Post: object(postView),
  ListedPost: object({ ...postView, text: string(), publishedAt: optional(time) }),
  Alert: object({
    alertId: string(),
    kind: zEnum(['connection_expired', 'connection_expiring', 'post_failed', 'platform_outage']),
    connectionId: optional(string()),
    postId: optional(string()),
    message: string(),
    createdAt: time,
    resolvedAt: optional(time),
  }),
  HistoryEvent: historyEvent,
  NotificationPreferences: preferences,
};

/** What one route takes and answers. `response`: the JSON body of its success answer (none: no body). */
export interface RouteContract {
  summary: string;
  status: 200 | 201 | 202 | 204 | 302;
  body?: ZodMiniType;
  query?: ZodMiniType;
  response?: ZodMiniType;
  /** A 302: where its Location goes. */
  redirect?: string;
  /** The answer sets the sign-in's binding cookie (CONTRACT.md, additions of 2026-11-30). */
  setsCookie?: boolean;
}

export const HTTP_CONTRACT = {
  'POST /workspaces': { summary: 'Creates a workspace; the caller owns it.', status: 201, body: requests.workspace, response: object({ workspaceId: string() }) },
  'GET /workspaces': {
    summary: 'The workspaces the caller owns.',
    status: 200,
    response: object({ workspaces: array(object({ workspaceId: string(), name: string(), role: literal('owner') })) }),
  },
  'POST /hubs': { summary: 'Creates a hub; the caller is its admin.', status: 201, body: requests.hub, response: object({ hubId: string() }) },
  'GET /hubs': { summary: 'The hubs the caller administers.', status: 200, response: object({ hubs: array(object({ hubId: string(), name: string() })) }) },
  'POST /hubs/{hubId}/workspaces': { summary: "The workspace's owner puts it in the hub.", status: 204, body: requests.hubWorkspace },
  'GET /hubs/{hubId}/workspaces': {
    summary: "The hub's workspaces with their connections counted by state, for the hub's admin.",
    status: 200,
    response: object({ workspaces: array(object({ workspaceId: string(), name: string(), connections: object({ active: count, expiring: count, expired: count }) })) }),
  },
  'GET /workspaces/{workspaceId}/connections': { summary: 'Connected Accounts.', status: 200, response: object({ connections: array(s.ConnectionRow) }) },
  'POST /workspaces/{workspaceId}/connections': { summary: 'Starts a new connection.', status: 201, body: requests.connect, response: signIn, setsCookie: true },
  'POST /workspaces/{workspaceId}/connections/{connectionId}/reconnect': { summary: 'Starts a reconnect.', status: 200, response: signIn, setsCookie: true },
  'DELETE /workspaces/{workspaceId}/connections/{connectionId}': { summary: 'Removes the connection; its tokens are destroyed.', status: 204 },
  'GET /workspaces/{workspaceId}/connections/{connectionId}/history': { summary: "The connection's history, oldest first, at least 90 days.", status: 200, response: object({ events: array(s.HistoryEvent) }) },
  'POST /workspaces/{workspaceId}/connections/{connectionId}/reconnect-link': {
    summary: 'A single-use link, valid 72 hours, that starts a reconnect with no Flamel sign-in; with `email`, also emailed there.',
    status: 201,
    body: requests.reconnectLink,
    response: object({ url: url(), expiresAt: time }),
  },
  'DELETE /workspaces/{workspaceId}/connections/{connectionId}/reconnect-link': { summary: 'Outstanding reconnect links of the connection stop working.', status: 204 },
  'POST /workspaces/{workspaceId}/posts': {
    summary: 'Schedules a post (`mediaUrl` is required where the platform cannot publish text alone; `tiktok` for a TikTok connection).',
    status: 201,
    body: requests.post,
    response: scheduled,
  },
  'GET /workspaces/{workspaceId}/posts': {
    summary: "The workspace's posts, newest `publishAt` first, a page at a time.",
    status: 200,
    query: requests.postsQuery,
    response: object({ posts: array(s.ListedPost), nextToken: optional(string()) }),
  },
  'GET /workspaces/{workspaceId}/posts/{postId}': { summary: 'One post.', status: 200, response: s.Post },
  'POST /workspaces/{workspaceId}/posts/{postId}/publish-now': { summary: 'A held (or failed_permanent) post is published once, now.', status: 202, response: scheduled },
  'DELETE /workspaces/{workspaceId}/posts/{postId}': { summary: 'A scheduled, held or failed post is discarded.', status: 204 },
  'GET /workspaces/{workspaceId}/alerts': { summary: 'Dashboard alerts.', status: 200, response: object({ alerts: array(s.Alert) }) },
  'PUT /workspaces/{workspaceId}/settings': {
    summary: 'The late-post options; answers what is stored.',
    status: 200,
    body: requests.settings,
    response: object({
      skipRetriesOlderThanHours: optional(nullable(hours)),
      stalePosts: optional(object({ policy: zEnum(STALE_POST_POLICIES), afterHours: hours })),
    }),
  },
  'GET /workspaces/{workspaceId}/notification-preferences': { summary: "The caller's own email preferences (all on by default).", status: 200, response: s.NotificationPreferences },
  'PUT /workspaces/{workspaceId}/notification-preferences': {
    summary: "Changes the caller's email preferences (switches left out keep their value); answers what is stored.",
    status: 200,
    body: requests.preferences,
    response: s.NotificationPreferences,
  },
  'GET /platform-status': {
    summary: 'Every platform: `ok`, `outage` or `integration_problem` (the platform refuses the app itself).',
    status: 200,
    response: object({ platforms: array(object({ platform: zEnum(PLATFORMS), status: zEnum(['ok', 'outage', 'integration_problem']), since: optional(time), message: optional(string()) })) }),
  },
  'GET /oauth/{platform}/callback': {
    summary: 'Finishes a connect or reconnect (query `code&state`, or `error&state`).',
    status: 302,
    // Documents the platform's redirect (RFC 6749 4.1.2); functions/http/oauth-callback.ts reads these names.
    query: object({ code: optional(string()), state: optional(string()), error: optional(string()), error_description: optional(string()) }),
    redirect:
      'The dashboard (or, for a sign-in started from a reconnect link, the link page) with `result=connected`, `result=restored` or `result=error&code=CODE`, and `connectionId`, `platform`.',
  },
  'GET /reconnect/{token}': {
    summary: 'Opens a reconnect link.',
    status: 302,
    redirect: "The platform's sign-in (with the binding cookie) for a usable link; otherwise the link page with `result=error&code=CODE`, starting nothing.",
    setsCookie: true,
  },
} as const satisfies Record<RouteKey, RouteContract>;
