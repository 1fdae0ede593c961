// The HTTP API, same origin (contract: ../shared/design/CONTRACT.md, and its additions).
import { inContext, state } from './state.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (state.token) headers.authorization = 'Bearer ' + state.token;
  // A hub admin acting in a client workspace says so on each request.
  if (inContext()) headers['x-workspace-context'] = state.context;
  let res;
  try {
    // same-origin: Connect / Reconnect answer the cookie that lets only this browser finish the sign-in.
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Flamel could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.ok) return data;
  const err = (data && data.error) || {};
  throw new ApiError(res.status, err.code || 'HTTP_' + res.status, err.message || 'The request failed (' + res.status + ').');
}

/** `/workspaces/{selected}` + rest, each segment encoded. */
export function wsPath(...rest) {
  return ['/workspaces', state.selected, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}
