/**
 * What the contract files (one per top-level block of the former contract.test.ts; the posts block in two) share: the
 * runtime pool each file starts before its tests, and the contract's shape checks.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startTestRuntime } from '../../helpers/local-api.js';
import { Http, Local, NEEDS_MEDIA, PLATFORMS, REASONS, type Alert, type BusEvent, type ConnectionRow, type Platform, type PostView } from '../contract-client.js';

interface Runtime {
  url: string;
  stop(): Promise<void>;
}

interface Slot {
  name: string;
  rt?: Runtime;
  http?: Http;
  local?: Local;
}

/**
 * The runtimes of the file being collected. Files of one worker share this module (the system tests
 * run without per-file isolation) but run one after another, so each `block` starts a pool of its own.
 */
let pool: Slot[] = [];

/**
 * Each top-level block has its own runtime (own clock, own store) and runs beside the others; the
 * tests inside one block run in order. The file's runtimes all start before any of its tests runs:
 * the local SES stand-in keeps one outbox per process and clears it when a runtime starts, so no
 * runtime may start while another one's tests are sending email.
 */
export function block(name: string, body: () => void): void {
  const filePool: Slot[] = [];
  pool = filePool;
  beforeAll(async () => {
    for (const slot of filePool) {
      slot.rt = await startTestRuntime();
      slot.http = new Http(slot.rt.url);
      slot.local = new Local(slot.http);
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(filePool.map((slot) => slot.rt?.stop()));
  });
  describe.concurrent(name, { timeout: 60_000 }, () => {
    describe.sequential('in order', body);
  });
}

/** A runtime of its own for the describe block that calls this (at collection time). */
export function useRuntime(): { http: () => Http; local: () => Local } {
  const slot: Slot = { name: `runtime ${pool.length + 1}` };
  pool.push(slot);
  return {
    http: () => {
      if (!slot.http) throw new Error('runtime not started');
      return slot.http;
    },
    local: () => {
      if (!slot.local) throw new Error('runtime not started');
      return slot.local;
    },
  };
}

export const CONNECTION_KEYS = ['connectionId', 'platform', 'externalAccountId', 'displayName', 'status', 'badge'];
// postsAtRisk and platformStatus: contract additions of 2026-11-30 (CONTRACT.md, Platform incidents).
export const OPTIONAL_CONNECTION_KEYS = ['reason', 'guidance', 'expiresAt', 'lastCheckedAt', 'errorCode', 'platformMessage', 'platformOutageSuspected', 'platformStatus', 'postsAtRisk'];
// schemaVersion: an addition (README changelog), in every detail.
export const EVENT_DETAIL_KEYS = ['schemaVersion', 'workspaceId', 'connectionId', 'platform', 'reason', 'occurredAt', 'episodeId'];
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function expectConnectionShape(c: ConnectionRow): void {
  for (const k of CONNECTION_KEYS) expect(c, `missing ${k}`).toHaveProperty(k);
  for (const k of Object.keys(c)) expect([...CONNECTION_KEYS, ...OPTIONAL_CONNECTION_KEYS], `unexpected key ${k}`).toContain(k);
  expect(PLATFORMS).toContain(c.platform);
  const badge: Record<string, string> = { active: 'green', expiring: 'amber', expired: 'red' };
  expect(Object.keys(badge), `status ${c.status}`).toContain(c.status);
  expect(c.badge).toBe(badge[c.status]);
  if (c.reason !== undefined) expect(REASONS).toContain(c.reason);
  if (c.expiresAt !== undefined) expect(c.expiresAt).toMatch(ISO);
  if (c.lastCheckedAt !== undefined) expect(c.lastCheckedAt).toMatch(ISO);
}

export function expectEventShape(e: BusEvent): void {
  expect(e.source).toBe('flamel.connections');
  expect(['connection.expired', 'connection.restored', 'connection.expiring', 'connection.connected', 'connection.removed']).toContain(e['detail-type']);
  for (const k of ['workspaceId', 'connectionId', 'platform', 'occurredAt', 'episodeId']) expect(e.detail, `detail.${k}`).toHaveProperty(k);
  for (const k of Object.keys(e.detail)) expect(EVENT_DETAIL_KEYS, `unexpected detail key ${k}`).toContain(k);
  expect(e.detail.occurredAt).toMatch(ISO);
}

export function expectAlertShape(a: Alert): void {
  for (const k of ['alertId', 'kind', 'message', 'createdAt']) expect(a, `alert.${k}`).toHaveProperty(k);
  for (const k of Object.keys(a)) expect(['alertId', 'kind', 'connectionId', 'postId', 'message', 'createdAt', 'resolvedAt'], `unexpected alert key ${k}`).toContain(k);
  expect(a.createdAt).toMatch(ISO);
  if (a.resolvedAt !== undefined) expect(a.resolvedAt).toMatch(ISO);
}

export function expectPostShape(p: PostView): void {
  for (const k of ['postId', 'connectionId', 'status', 'attempts']) expect(p, `post.${k}`).toHaveProperty(k);
  for (const k of Object.keys(p)) expect(['postId', 'connectionId', 'status', 'attempts', 'platformPostId', 'lastError', 'publishAt'], `unexpected post key ${k}`).toContain(k);
  expect(['scheduled', 'published', 'failed', 'failed_permanent']).toContain(p.status);
  expect(typeof p.attempts).toBe('number');
}

/**
 * "Oldest first": by the time each event was put on the bus (its envelope `time`, in whole seconds);
 * a detail's occurredAt is when the change happened and may precede the put by a few ms.
 */
export function expectOldestFirst(events: BusEvent[]): void {
  const times = events.map((e) => Date.parse(e.time ?? e.detail.occurredAt));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  // and no event is put on the bus before one that happened more than a second after it
  for (let i = 1; i < events.length; i += 1) {
    const prev = events[i - 1];
    const cur = events[i];
    if (prev && cur) expect(Date.parse(cur.detail.occurredAt)).toBeGreaterThan(Date.parse(prev.detail.occurredAt) - 1000);
  }
}

/** The dashboard URL's result/code, for readable assertions. */
export function outcome(u: URL): { result: string | null; code: string | null } {
  return { result: u.searchParams.get('result'), code: u.searchParams.get('code') };
}

export function mediaFor(platform: Platform): Record<string, string> {
  return NEEDS_MEDIA.includes(platform) ? { mediaUrl: 'https://cdn.example.test/clip.mp4' } : {};
}

