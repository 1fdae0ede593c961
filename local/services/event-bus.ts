import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RULES, type QueueKey, type RuleSpec } from '../../shared/config/messaging.js';
import type { Clock } from '../../shared/ports/misc.js';
import { matchesPattern } from './event-pattern.js';

export { matchesPattern, type EventPattern } from './event-pattern.js';

/** An event as it was put on the bus (what `GET /local/events` lists). */
export interface StoredEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  time: string;
  resources: string[];
}

/** What a rule's target queue receives, as EventBridge delivers it. */
export interface EventEnvelope extends StoredEvent {
  version: '0';
  account: string;
  region: string;
}

export interface LocalEventBus {
  /** Endpoint for `new EventBridgeClient({ endpoint })`. */
  endpoint: string;
  /** Every event accepted so far, oldest first. */
  events(): StoredEvent[];
  /** Deliveries to target queues not yet settled (sent, or given up after retries). */
  pendingDeliveries(): number;
  /** Resolves once every delivery so far has settled. */
  settled(): Promise<void>;
  /** Events accepted plus deliveries settled so far: unchanged over a span means nothing moved in it. */
  activity(): number;
  /** Stops accepting events, lets pending deliveries settle, closes the server. */
  stop(): Promise<void>;
}

export interface LocalEventBusOptions {
  /** Client for delivering to target queues (e.g. `LocalQueues.sqsClient()`). */
  sqs: SQSClient;
  queueUrl(key: QueueKey): string;
  /** Default: `RULES` from shared/config/messaging.ts, the ones the stack deploys. */
  rules?: readonly RuleSpec[];
  port?: number;
  /** Stamps events that carry no `Time` (default: the real clock). Give it the runtime's movable clock. */
  clock?: Clock;
  /** A delivery that failed every retry (the event stays listed; the target never gets it). */
  onDeliveryError?: (error: unknown, target: { rule: string; queue: QueueKey; eventId: string }) => void;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const MAX_ENTRIES = 10;
/** PutEvents' limit on the request's total entry size. */
const MAX_REQUEST_BYTES = 256 * 1024;
const DELIVERY_ATTEMPTS = 5;

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

class ValidationError extends Error {}

/**
 * The EventBridge PutEvents API (JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`) on 127.0.0.1, so the
 * real SDK client and the real EventBus adapter work unchanged with `endpoint` set. Each accepted event
 * is kept, matched against the rules, and delivered as the EventBridge envelope to every target queue
 * (SQS SendMessage), after the call is answered, as EventBridge does.
 */
export async function startLocalEventBus(opts: LocalEventBusOptions): Promise<LocalEventBus> {
  const rules = opts.rules ?? RULES;
  const clock = opts.clock ?? { now: () => new Date() };
  const stored: StoredEvent[] = [];
  const pending = new Set<Promise<void>>();
  let deliveriesSettled = 0;
  let closing = false;

  const deliver = (envelope: EventEnvelope) => {
    for (const rule of rules) {
      if (!matchesPattern(rule.pattern, envelope)) continue;
      for (const queue of rule.targets) {
        const p = sendWithRetry(opts.sqs, opts.queueUrl(queue), JSON.stringify(envelope)).catch((error: unknown) => {
          const target = { rule: rule.name, queue, eventId: envelope.id };
          if (opts.onDeliveryError) opts.onDeliveryError(error, target);
          else console.error('[local-event-bus] delivery failed', target, error);
        });
        pending.add(p);
        void p.finally(() => {
          pending.delete(p);
          deliveriesSettled++;
        });
      }
    }
  };

  const putEvents = (body: unknown): { FailedEntryCount: number; Entries: EntryResult[] } => {
    if (!isRecord(body) || !Array.isArray(body.Entries)) throw new ValidationError('Entries is required and must be a list.');
    const entries: unknown[] = body.Entries;
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw new ValidationError(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`);
    }
    if (entries.reduce<number>((sum, e) => sum + entrySize(e), 0) > MAX_REQUEST_BYTES) {
      throw new ValidationError('Total size of the entries in the request is over the limit.');
    }
    const results = entries.map((entry): EntryResult => {
      const parsed = parseEntry(entry, clock);
      if ('ErrorCode' in parsed) return parsed;
      stored.push(parsed);
      deliver({ version: '0', account: ACCOUNT, region: REGION, ...parsed });
      return { EventId: parsed.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalException', message: String(error) }, true);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/local/events') {
      sendJson(res, 200, { events: stored }, false);
      return;
    }
    if (req.method !== 'POST' || path !== '/') {
      sendJson(res, 404, { __type: 'UnknownOperationException', message: `${req.method} ${path} is not an EventBridge operation` }, true);
      return;
    }
    const target = req.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents') {
      sendJson(res, 400, { __type: 'UnknownOperationException', message: `operation ${String(target)} is not supported locally` }, true);
      return;
    }
    if (closing) {
      sendJson(res, 503, { __type: 'ServiceUnavailable', message: 'the local event bus is stopping' }, true);
      return;
    }
    const raw = await readBody(req, 4 * MAX_REQUEST_BYTES);
    if (raw === undefined) {
      sendJson(res, 413, { __type: 'ValidationException', message: 'request too large' }, true);
      return;
    }
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      sendJson(res, 400, { __type: 'SerializationException', message: 'request body is not valid JSON' }, true);
      return;
    }
    try {
      sendJson(res, 200, putEvents(body), true);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      sendJson(res, 400, { __type: 'ValidationException', message: error.message }, true);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const settled = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events: () => stored.map((e) => structuredClone(e)),
    pendingDeliveries: () => pending.size,
    settled,
    activity: () => stored.length + deliveriesSettled,
    stop() {
      stopped ??= (async () => {
        closing = true;
        await settled();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopped;
    },
  };
}

/** Validates one PutEvents entry the way EventBridge does, answering per entry rather than failing the call. */
export function parseEntry(entry: unknown, clock: Clock): StoredEvent | { ErrorCode: string; ErrorMessage: string } {
  const invalid = (param: string, reason: string) => ({
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${param} is not valid. Reason: ${reason}`,
  });
  if (!isRecord(entry)) return invalid('Entry', 'Entry must be an object.');
  const { Source, DetailType, Detail, Resources, Time } = entry;
  if (typeof Source !== 'string' || Source.length === 0) return invalid('Source', 'Source is a required argument.');
  if (Source.length > 256) return invalid('Source', 'Source is longer than 256 characters.');
  if (typeof DetailType !== 'string' || DetailType.length === 0) return invalid('DetailType', 'DetailType is a required argument.');
  if (DetailType.length > 128) return invalid('DetailType', 'DetailType is longer than 128 characters.');
  if (typeof Detail !== 'string' || Detail.length === 0) return invalid('Detail', 'Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed: it must be a JSON object.' };
  if (Resources !== undefined && (!Array.isArray(Resources) || !Resources.every((r) => typeof r === 'string'))) {
    return invalid('Resources', 'Resources must be a list of strings.');
  }
  let time: Date;
  if (Time === undefined || Time === null) time = clock.now();
  else if (typeof Time === 'number') time = new Date(Time * 1000); // the SDK sends epoch seconds
  else if (typeof Time === 'string') time = new Date(/^\d+(\.\d+)?$/.test(Time) ? Number(Time) * 1000 : Time);
  else time = new Date(NaN);
  if (Number.isNaN(time.getTime())) return invalid('Time', 'Time is not a valid timestamp.');
  return {
    id: randomUUID(),
    source: Source,
    'detail-type': DetailType,
    detail,
    // EventBridge writes times to the second: 2024-01-01T06:00:00Z.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources: (Resources as string[] | undefined) ?? [],
  };
}

/** An entry's size as PutEvents counts it: its strings' UTF-8 bytes, plus 14 for a Time. */
function entrySize(entry: unknown): number {
  if (!isRecord(entry)) return 0;
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce<number>((s, r) => s + bytes(r), 0) : 0;
  return bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources + (entry.Time !== undefined ? 14 : 0);
}

async function sendWithRetry(sqs: SQSClient, queueUrl: string, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      return;
    } catch (error) {
      if (attempt >= DELIVERY_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, awsJson: boolean): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': awsJson ? 'application/x-amz-json-1.1' : 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  };
  if (isRecord(body) && typeof body.__type === 'string') headers['x-amzn-errortype'] = body.__type;
  res.writeHead(status, headers);
  res.end(text);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
