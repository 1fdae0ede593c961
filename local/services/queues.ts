import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { AddressInfo } from 'node:net';
import { buildApp, type BuildAppOptions, type SpyMessage } from 'fauxqs';
import { dlqName, MAX_RECEIVE_COUNT, QUEUES, type QueueKey } from '../../shared/config/messaging.js';
import { QueueJournal } from './queue-journal.js';

/** How many messages a queue holds, as SQS reports them (ApproximateNumberOf...). */
export interface QueueDepth {
  /** Ready to be received. */
  visible: number;
  /** Received and not yet deleted (hidden until their visibility timeout ends). */
  inFlight: number;
  /** Sent with a delay that has not yet passed. */
  delayed: number;
}

export interface LocalQueues {
  /** SQS API endpoint, e.g. `http://127.0.0.1:4566`. */
  endpoint: string;
  queueUrl(key: QueueKey): string;
  queueArn(key: QueueKey): string;
  dlqUrl(key: QueueKey): string;
  dlqArn(key: QueueKey): string;
  /** One shared client for the local endpoint, owned by this object: `stop()` destroys it, callers must not. */
  sqsClient(): SQSClient;
  depth(key: QueueKey): Promise<QueueDepth>;
  dlqDepth(key: QueueKey): Promise<QueueDepth>;
  /** Messages still to be handled on every main queue (visible + in flight + delayed); 0 means drained. */
  pendingMessages(): Promise<number>;
  /**
   * Every message still held, on each queue and DLQ (ready, delayed, or received and not deleted):
   * what a stop must not lose when the data is kept (`npm start -- --data DIR`). Call it once nothing
   * consumes the queues any more.
   */
  snapshot(): Promise<QueueSnapshot>;
  /** Sends a snapshot's messages again, each to its queue; resolves with how many. */
  restore(snapshot: QueueSnapshot): Promise<number>;
  /** With `journalFile`: how many messages the previous run left on the queues and this start put back. */
  restoredFromJournal: number;
  stop(): Promise<void>;
}

/** Message bodies per queue name (receive counts start again from 0 after a restore). */
export interface QueueSnapshot {
  version: 1;
  queues: Record<string, string[]>;
}

export interface LocalQueuesOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Visibility timeout per queue. AWS uses the spec (`QUEUES[key].visibilityTimeoutSeconds`, minutes);
   * tests and the local runtime may shorten it so a failed message comes back within seconds.
   */
  visibilityTimeoutSeconds?: (key: QueueKey) => number;
  /**
   * Keep every message in this file as it is accepted and deleted (see QueueJournal), and put back on
   * their queues, at the start, the messages a previous run left there however it ended.
   */
  journalFile?: string;
}

const QUEUE_KEYS = Object.keys(QUEUES) as QueueKey[];
const REGION = 'us-east-1';

/** An SQS client for a local endpoint: region us-east-1, dummy credentials. */
export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/**
 * fauxqs (the SQS API over HTTP, in memory) on 127.0.0.1, with every queue of `QUEUES` and its DLQ,
 * created through the SQS API itself exactly as the stack declares them: RedrivePolicy with
 * `MAX_RECEIVE_COUNT`, visibility timeout from the spec unless overridden.
 */
export async function startLocalQueues(opts: LocalQueuesOptions = {}): Promise<LocalQueues> {
  const journal = opts.journalFile ? new QueueJournal(opts.journalFile) : undefined;
  const sqsStore = journal ? await journaledSqsStore(journal) : undefined;
  // buildApp + our own listen rather than startFauxqs, which always binds 0.0.0.0 and reads FAUXQS_*.
  // buildApp makes the SNS and S3 stores it is not given.
  const app = buildApp({ logger: false, ...(sqsStore ? { stores: { sqsStore } as NonNullable<BuildAppOptions['stores']> } : {}) });
  const urls = { internal: '', external: '' };
  serveQueueUrlsOnEndpoint(app, urls);
  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  urls.internal = `http://sqs.${REGION}.localhost:${port}/`;
  urls.external = `${endpoint}/`;
  const client = localSqsClient(endpoint);

  const created = new Map<string, { url: string; arn: string }>();
  const create = async (name: string, attributes: Partial<Record<QueueAttributeName, string>>) => {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const arn = attrs.Attributes?.QueueArn;
    if (!arn) throw new Error(`queue ${name} has no QueueArn`);
    created.set(name, { url: QueueUrl, arn });
    return arn;
  };

  try {
    for (const key of QUEUE_KEYS) {
      const spec = QUEUES[key];
      const visibility = opts.visibilityTimeoutSeconds?.(key) ?? spec.visibilityTimeoutSeconds;
      if (!Number.isInteger(visibility) || visibility < 0 || visibility > 43_200) {
        throw new RangeError(`visibility timeout for ${key} must be an integer 0..43200, got ${visibility}`);
      }
      const dlqArn = await create(dlqName(spec), { MessageRetentionPeriod: String(14 * 24 * 3600) });
      await create(spec.name, {
        VisibilityTimeout: String(visibility),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      });
    }
  } catch (error) {
    client.destroy();
    await app.close();
    journal?.close();
    throw error;
  }
  const restoredFromJournal = journal && sqsStore ? putBack(sqsStore, journal) : 0;

  const lookup = (name: string) => {
    const found = created.get(name);
    if (!found) throw new Error(`unknown local queue ${name}`);
    return found;
  };
  const depthOf = async (url: string): Promise<QueueDepth> => {
    const { Attributes: a = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  };

  let stopped: Promise<void> | undefined;
  const queues: LocalQueues = {
    endpoint,
    queueUrl: (key) => lookup(QUEUES[key].name).url,
    queueArn: (key) => lookup(QUEUES[key].name).arn,
    dlqUrl: (key) => lookup(dlqName(QUEUES[key])).url,
    dlqArn: (key) => lookup(dlqName(QUEUES[key])).arn,
    sqsClient: () => client,
    depth: (key) => depthOf(queues.queueUrl(key)),
    dlqDepth: (key) => depthOf(queues.dlqUrl(key)),
    async pendingMessages() {
      const depths = await Promise.all(QUEUE_KEYS.map((key) => queues.depth(key)));
      return depths.reduce((sum, d) => sum + d.visible + d.inFlight + d.delayed, 0);
    },
    async snapshot() {
      const out: QueueSnapshot = { version: 1, queues: {} };
      for (const name of created.keys()) {
        // fauxqs' own, non-destructive inspection: in-flight messages too, without waiting for their timeout.
        const res = await app.inject({ method: 'GET', url: `/_fauxqs/queues/${encodeURIComponent(name)}` });
        if (res.statusCode !== 200) throw new Error(`cannot inspect local queue ${name}: ${res.statusCode}`);
        const { messages } = res.json<{ messages: { ready: { body: string }[]; delayed: { body: string }[]; inflight: { message: { body: string } }[] } }>();
        const bodies = [...messages.inflight.map((m) => m.message.body), ...messages.ready.map((m) => m.body), ...messages.delayed.map((m) => m.body)];
        if (bodies.length > 0) out.queues[name] = bodies;
      }
      return out;
    },
    restoredFromJournal,
    async restore(snapshot) {
      let sent = 0;
      for (const [name, bodies] of Object.entries(snapshot.queues)) {
        const { url } = lookup(name);
        for (let i = 0; i < bodies.length; i += 10) {
          const entries = bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body }));
          const out = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
          if (out.Failed?.length) throw new Error(`local queue ${name} refused ${out.Failed.length} restored message(s)`);
          sent += entries.length;
        }
      }
      return sent;
    },
    stop() {
      stopped ??= (async () => {
        // Deleting the queues wakes any long poll still parked in fauxqs, so no timer outlives the server.
        await Promise.allSettled([...created.values()].map(({ url }) => client.send(new DeleteQueueCommand({ QueueUrl: url }))));
        client.destroy();
        await app.close();
        // What is still queued stays in the journal for the next start.
        journal?.close();
      })();
      return stopped;
    },
  };
  return queues;
}

/**
 * fauxqs names queues `http://sqs.<region>.localhost:<port>/<account>/<name>`, a host that only resolves
 * where `*.localhost` does (not through Node's dns.lookup on Linux) and that an SQS client without an
 * explicit `endpoint` would send to. So the API speaks `http://127.0.0.1:<port>/<account>/<name>` instead:
 * URLs in answers are rewritten out, URLs in requests are rewritten back to fauxqs' own.
 */
function serveQueueUrlsOnEndpoint(app: ReturnType<typeof buildApp>, urls: { internal: string; external: string }): void {
  app.addHook('preHandler', async (request) => {
    const body = request.body as { QueueUrl?: unknown } | undefined;
    if (body && typeof body === 'object' && typeof body.QueueUrl === 'string' && body.QueueUrl.startsWith(urls.external)) {
      body.QueueUrl = urls.internal + body.QueueUrl.slice(urls.external.length);
    }
  });
  app.addHook('onSend', async (_request, _reply, payload) =>
    typeof payload === 'string' && urls.internal ? payload.replaceAll(urls.internal, urls.external) : payload,
  );
}

type FauxqsSqsStore = NonNullable<BuildAppOptions['stores']>['sqsStore'];
type FauxqsQueue = NonNullable<ReturnType<FauxqsSqsStore['getQueue']>>;
type FauxqsMessage = Parameters<FauxqsQueue['enqueue']>[0];
interface FauxqsSqsStoreClass {
  new (): FauxqsSqsStore;
  createMessage(body: string): FauxqsMessage;
}

/**
 * A fauxqs SQS store that tells the journal about every message it accepts, moves to a DLQ or
 * deletes, synchronously, inside the SQS call (fauxqs reports these to its store's `spy`). fauxqs
 * exports buildApp (whose `stores` option takes such a store) but not the store's class: it is
 * loaded from the package's own folder, and a version without it fails here, at the start.
 */
async function journaledSqsStore(journal: QueueJournal): Promise<FauxqsSqsStore> {
  const mod = (await import(new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs')).href)) as { SqsStore?: FauxqsSqsStoreClass };
  if (typeof mod.SqsStore !== 'function' || typeof mod.SqsStore.createMessage !== 'function') {
    throw new Error('this fauxqs version has no SqsStore to journal: the local queues cannot keep their messages on disk');
  }
  const store = new mod.SqsStore();
  const spy = {
    addMessage(m: SpyMessage) {
      if (m.service !== 'sqs') return;
      if (m.status === 'published') journal.accepted(m.queueName, m.messageId, m.body);
      else if (m.status === 'consumed') journal.deleted(m.messageId);
      // `dlq`: followed by `published` on the DLQ with the same id.
    },
  };
  // The store hands its `spy` to each queue it creates; only addMessage is ever called on it.
  Object.assign(store, { spy });
  return store;
}

/** Puts the journal's messages back on their queues with their ids (ready, receive count 0). */
function putBack(store: FauxqsSqsStore, journal: QueueJournal): number {
  const SqsStore = store.constructor as FauxqsSqsStoreClass;
  let count = 0;
  for (const m of journal.messages()) {
    const queue = store.getQueueByName(m.queue);
    if (!queue) continue; // a queue this version no longer has
    const message = SqsStore.createMessage(m.body);
    message.messageId = m.id;
    queue.enqueue(message);
    count += 1;
  }
  return count;
}
