import type { LocalResponse } from '../http-types.js';
import { graphAccessToken, graphAppFailure, graphError, graphOutage, graphTokenFailure, graphUnsupported, setThrottle, stripVersion, throttled, versionOf } from './graph.js';
import { formParams, json } from './http.js';
import type { SandboxStore } from './store.js';
import type { PlatformWire } from './wire.js';

/**
 * Instagram API with Instagram Login stand-in (paths below `/sandbox/instagram`):
 * api.instagram.com `POST /oauth/access_token` (answers the documented `{data:[...]}` shape);
 * graph.instagram.com `GET /access_token` (ig_exchange_token), `GET /refresh_access_token`,
 * `GET /vNN.0/me`, `GET /vNN.0/{ig-user-id}/content_publishing_limit`, `POST .../media`,
 * `GET .../{container-id}?fields=status_code,status`, `POST .../media_publish`; sandbox-only
 * `POST /throttle` (graph.ts). `isAdmin:false` = the account may no longer publish (no longer a
 * professional account): publishing calls answer `(#10) The user is not an Instagram Business`. A container is IN_PROGRESS until its status has
 * been read once, then FINISHED; media_publish of an unfinished one answers 9007/2207027 as Instagram does.
 */
const SHORT_LIVED_SECONDS = 3600;
const LONG_LIVED_SECONDS = 5_184_000;

interface Container {
  accountId: string;
  caption: string;
  imageUrl: string;
  published: boolean;
  /** Status reads left before processing is FINISHED. */
  processingReads: number;
}
const containersByStore = new WeakMap<SandboxStore, Map<string, Container>>();

function containersOf(store: SandboxStore): Map<string, Container> {
  let map = containersByStore.get(store);
  if (!map) {
    map = new Map();
    containersByStore.set(store, map);
  }
  return map;
}

export const instagramWire: PlatformWire = {
  platform: 'instagram',
  realAuthorizePath: /^\/oauth\/authorize$/,
  clientIdParam: 'client_id',
  pkce: false,
  scopeSeparator: /[\s,]+/,
  codeTtlSeconds: 3600,
  outage: () => graphOutage(),
  appFailure(sub, _req, cause) {
    // graph.instagram.com's API is versioned; its token endpoints and api.instagram.com are not.
    const version = versionOf(sub);
    return version === undefined ? undefined : graphAppFailure(cause, 'instagram', version);
  },
  handle(sub, req, ctx) {
    const form = req.method === 'POST' ? formParams(req) : new URLSearchParams();
    const p = (name: string): string | undefined => req.query.get(name) ?? form.get(name) ?? undefined;
    const store = ctx.store;
    if (req.method === 'POST' && sub === '/throttle') return setThrottle(store, 'instagram', req);

    if (req.method === 'POST' && sub === '/oauth/access_token') {
      const oauthError = (message: string): LocalResponse => json(400, { error_type: 'OAuthException', code: 400, error_message: message });
      if (p('client_id') !== ctx.client.clientId) return oauthError('Invalid platform app');
      if (p('client_secret') !== ctx.client.clientSecret) return oauthError('Error validating client secret.');
      if (p('grant_type') !== 'authorization_code') return oauthError('Invalid grant_type');
      const redeemed = store.redeemCode('instagram', p('code'), { clientId: p('client_id'), redirectUri: p('redirect_uri') });
      if (!redeemed.ok) return oauthError(redeemed.problem === 'redirect' ? 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request' : 'Invalid authorization code');
      const short = store.issueToken(redeemed.account, 'short', SHORT_LIVED_SECONDS, redeemed.code.scopes);
      return json(200, { data: [{ access_token: short.value, user_id: redeemed.account.externalAccountId, permissions: short.scopes.join(',') }] });
    }
    if (req.method === 'GET' && sub === '/access_token') {
      if (p('grant_type') !== 'ig_exchange_token') return graphError(400, 100, 'Unsupported grant_type');
      if (p('client_secret') !== ctx.client.clientSecret) return graphError(400, 1, 'Error validating client secret.');
      const check = store.checkToken('instagram', p('access_token'), ['short']);
      if (!check.ok) return graphTokenFailure(check.problem);
      const long = store.issueToken(check.account, 'access', LONG_LIVED_SECONDS, check.token.scopes);
      return json(200, { access_token: long.value, token_type: 'bearer', expires_in: store.secondsLeft(long) });
    }
    if (req.method === 'GET' && sub === '/refresh_access_token') {
      if (p('grant_type') !== 'ig_refresh_token') return graphError(400, 100, 'Unsupported grant_type');
      const check = store.checkToken('instagram', p('access_token'), ['access']);
      if (!check.ok) return graphTokenFailure(check.problem);
      const next = store.issueToken(check.account, 'access', LONG_LIVED_SECONDS, check.token.scopes);
      return json(200, { access_token: next.value, token_type: 'bearer', expires_in: store.secondsLeft(next), permissions: next.scopes.join(',') });
    }

    const path = stripVersion(sub);
    const token = graphAccessToken(req, form);
    if (token === undefined) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    const check = store.checkToken('instagram', token, ['access', 'short']);
    if (!check.ok) return graphTokenFailure(check.problem);
    const { account } = check;
    const limited = throttled(store, 'instagram', account.externalAccountId);
    if (limited) return limited;
    if (req.method === 'GET' && path === '/me') {
      return json(200, { user_id: account.externalAccountId, username: account.name, name: account.name, id: `app${account.externalAccountId}` });
    }
    const containerRead = /^\/([^/]+)$/.exec(path)?.[1];
    if (req.method === 'GET' && containerRead !== undefined) return containerStatus(store, containerRead, account.externalAccountId, path);
    const m = /^\/([^/]+)\/(content_publishing_limit|media|media_publish)$/.exec(path);
    if (!m || m[1] !== account.externalAccountId) return graphUnsupported(req.method, path);
    // The account can no longer publish (switched away from a professional account): an account-level refusal.
    if (!account.isAdmin) return graphError(400, 10, '(#10) The user is not an Instagram Business');
    if (req.method === 'GET' && m[2] === 'content_publishing_limit') {
      const used = store.listPosts('instagram').filter((x) => x.externalAccountId === account.externalAccountId).length;
      return json(200, { data: [{ quota_usage: used, config: { quota_total: 100, quota_duration: 86400 } }] });
    }
    if (req.method === 'POST' && m[2] === 'media') {
      const imageUrl = p('image_url');
      if (!imageUrl) return graphError(400, 9004, 'Only photo or video can be accepted as media type.', 2207052, { error_user_title: 'Media type invalid' });
      const id = store.nextId();
      containersOf(store).set(id, { accountId: account.externalAccountId, caption: p('caption') ?? '', imageUrl, published: false, processingReads: 1 });
      return json(200, { id });
    }
    if (req.method === 'POST' && m[2] === 'media_publish') {
      const container = containersOf(store).get(p('creation_id') ?? '');
      if (!container || container.accountId !== account.externalAccountId || container.published) {
        return graphError(400, 24, 'The requested resource does not exist', 2207006, { is_transient: false, error_user_title: 'Media not found', error_user_msg: 'The media could not be found.' });
      }
      if (container.processingReads > 0) {
        return graphError(400, 9007, 'Media ID is not available', 2207027, { is_transient: false, error_user_title: 'Media not ready for publishing', error_user_msg: 'The media is not ready for publishing, please wait for a moment' });
      }
      container.published = true;
      const id = store.nextId();
      store.record('instagram', { externalAccountId: account.externalAccountId, text: container.caption, platformPostId: id, mediaUrl: container.imageUrl });
      return json(200, { id });
    }
    return graphUnsupported(req.method, path);
  },
};

/** `GET /{container-id}?fields=status_code,status` (IG Container reference). */
function containerStatus(store: SandboxStore, id: string, accountId: string, path: string): LocalResponse {
  const container = containersOf(store).get(id);
  if (!container || container.accountId !== accountId) return graphUnsupported('GET', path);
  if (container.published) return json(200, { status_code: 'PUBLISHED', status: 'Published: Media has been published.', id });
  if (container.processingReads > 0) {
    container.processingReads -= 1;
    return json(200, { status_code: 'IN_PROGRESS', status: 'In Progress: Media is still being processed.', id });
  }
  return json(200, { status_code: 'FINISHED', status: 'Finished: Media has been uploaded and it is ready to be published.', id });
}
