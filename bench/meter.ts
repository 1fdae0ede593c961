import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { observeLocalDynamoClients } from '../local/services/dynamo.js';
import type { Deps } from '../shared/use-cases/deps.js';
import { EnvelopeTokenCipher } from '../shared/adapters/token-cipher.js';
import type { QueueConsumer, SqsBatchHandler } from '../local/services/event-source-mapping.js';

/** What AWS would bill, counted while the local runtime works. */
export interface Usage {
  /** Requests on the wire, by service and operation (`dynamodb:GetItem`, `sqs:SendMessageBatch`...). */
  requests: Record<string, number>;
  /** DynamoDB capacity as dynalite reports it (base table; index writes are estimated separately). */
  readUnits: number;
  writeUnits: number;
  /** Items DynamoDB read: one per GetItem that found one, ScannedCount for Query/Scan. */
  itemsRead: number;
  /** KMS calls the token cipher's data-key provider makes (Decrypt, GenerateDataKey). */
  kms: { decrypt: number; generateDataKey: number };
  /** EventBridge entries (billed per 64 KB entry, not per PutEvents call). */
  eventEntries: number;
  /** Lambda invocations and their wall time, by queue consumer. */
  lambda: Record<string, { invocations: number; ms: number }>;
}

const CAPACITY_OPS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem']);

function emptyUsage(): Usage {
  return { requests: {}, readUnits: 0, writeUnits: 0, itemsRead: 0, kms: { decrypt: 0, generateDataKey: 0 }, eventEntries: 0, lambda: {} };
}

/** `DynamoDB_20120810.GetItem` -> dynamodb:GetItem; SES v2 is REST (no target header). */
function serviceOperation(req: ClientRequest): string | undefined {
  const target = req.getHeader('x-amz-target');
  if (typeof target === 'string') {
    const [prefix, op] = target.split('.');
    if (prefix?.startsWith('DynamoDB')) return `dynamodb:${op}`;
    if (prefix === 'AmazonSQS') return `sqs:${op}`;
    if (prefix === 'AWSEvents') return `events:${op}`;
    if (prefix === 'TrentService') return `kms:${op}`;
    return `other:${target}`;
  }
  if (req.path.startsWith('/v2/email/outbound-emails')) return 'ses:SendEmail';
  return undefined;
}

type ConsumedCapacity = { CapacityUnits?: number };
interface MeteredOutput {
  ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
  Item?: unknown;
  ScannedCount?: number;
  Responses?: Record<string, unknown[]>;
}

/**
 * Meters one local runtime the way AWS bills it: every HTTP request its SDK clients put on the wire
 * (diagnostics channel `http.client.request.start`), DynamoDB capacity units (a middleware on every
 * local table client asks for ReturnConsumedCapacity), the token cipher's data-key calls (KMS in
 * AWS), event entries, and each queue consumer's invocations. Start it before the runtime.
 */
export class AwsMeter {
  private usage = emptyUsage();
  private readonly stops: (() => void)[] = [];
  /** Every local table client made since start(), in order (the runtime's own comes first). */
  readonly dynamoClients: DynamoDBClient[] = [];

  start(): this {
    const onRequest = (message: unknown) => {
      const op = serviceOperation((message as { request: ClientRequest }).request);
      if (op) this.usage.requests[op] = (this.usage.requests[op] ?? 0) + 1;
    };
    subscribe('http.client.request.start', onRequest);
    this.stops.push(() => unsubscribe('http.client.request.start', onRequest));
    this.stops.push(observeLocalDynamoClients((client) => this.meterDynamo(client)));
    return this;
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** A copy of what was counted since the last reset. */
  snapshot(): Usage {
    return structuredClone(this.usage);
  }

  reset(): void {
    this.usage = emptyUsage();
  }

  /**
   * Counts the cipher's data-key calls and the bus's entries on the runtime's shared adapters: each
   * function's ports hold these same objects, so their methods are wrapped in place. The data-key
   * provider's calls are what KMS bills (KmsDataKeyProvider makes one request per call); a cipher
   * whose provider is not reachable is counted as one Decrypt per open and one GenerateDataKey per seal.
   */
  meterPorts(deps: Pick<Deps, 'cipher' | 'bus'>): void {
    const { cipher, bus } = deps;
    const publish = bus.publish.bind(bus);
    if (cipher instanceof EnvelopeTokenCipher) {
      const keys = cipher.keys;
      const generate = keys.generate.bind(keys);
      const decrypt = keys.decrypt.bind(keys);
      keys.generate = (owner) => {
        this.usage.kms.generateDataKey += 1;
        return generate(owner);
      };
      keys.decrypt = (encrypted, owner) => {
        this.usage.kms.decrypt += 1;
        return decrypt(encrypted, owner);
      };
    } else {
      const open = cipher.open.bind(cipher);
      const seal = cipher.seal.bind(cipher);
      cipher.open = (sealed, aad) => {
        this.usage.kms.decrypt += 1;
        return open(sealed, aad);
      };
      cipher.seal = (plaintext, aad) => {
        this.usage.kms.generateDataKey += 1;
        return seal(plaintext, aad);
      };
    }
    bus.publish = (events) => {
      this.usage.eventEntries += events.length;
      return publish(events);
    };
  }

  /** For LocalRuntimeOptions.wrapQueueHandler: one invocation per batch, timed. */
  readonly wrapQueueHandler = (consumer: QueueConsumer, handler: SqsBatchHandler): SqsBatchHandler => {
    return async (...args) => {
      const t0 = performance.now();
      try {
        return await handler(...args);
      } finally {
        const entry = (this.usage.lambda[consumer] ??= { invocations: 0, ms: 0 });
        entry.invocations += 1;
        entry.ms += performance.now() - t0;
      }
    };
  };

  /** Times a scheduled function's run (the local runtime calls them directly). */
  async timed<T>(fn: string, run: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      const entry = (this.usage.lambda[fn] ??= { invocations: 0, ms: 0 });
      entry.invocations += 1;
      entry.ms += performance.now() - t0;
    }
  }

  private meterDynamo(client: DynamoDBClient): void {
    this.dynamoClients.push(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const op = String(context.commandName ?? '').replace(/Command$/, '');
        const input = args.input as { ReturnConsumedCapacity?: string };
        if (CAPACITY_OPS.has(op)) input.ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        const out = result.output as MeteredOutput;
        const capacity = [out.ConsumedCapacity ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        if (op === 'GetItem' || op === 'Query' || op === 'Scan' || op === 'BatchGetItem') this.usage.readUnits += capacity;
        else this.usage.writeUnits += capacity;
        if (op === 'GetItem' && out.Item) this.usage.itemsRead += 1;
        if (op === 'Query' || op === 'Scan') this.usage.itemsRead += out.ScannedCount ?? 0;
        if (op === 'BatchGetItem') this.usage.itemsRead += Object.values(out.Responses ?? {}).reduce((n, items) => n + items.length, 0);
        return result;
      },
      { step: 'initialize', name: 'benchAwsMeter' },
    );
  }
}

/** b - a, field by field. */
export function usageBetween(a: Usage, b: Usage): Usage {
  const diff = (x: Record<string, number>, y: Record<string, number>) => Object.fromEntries(Object.keys(y).map((k) => [k, (y[k] ?? 0) - (x[k] ?? 0)]));
  return {
    requests: diff(a.requests, b.requests),
    readUnits: b.readUnits - a.readUnits,
    writeUnits: b.writeUnits - a.writeUnits,
    itemsRead: b.itemsRead - a.itemsRead,
    kms: { decrypt: b.kms.decrypt - a.kms.decrypt, generateDataKey: b.kms.generateDataKey - a.kms.generateDataKey },
    eventEntries: b.eventEntries - a.eventEntries,
    lambda: Object.fromEntries(
      Object.entries(b.lambda).map(([k, v]) => [k, { invocations: v.invocations - (a.lambda[k]?.invocations ?? 0), ms: v.ms - (a.lambda[k]?.ms ?? 0) }]),
    ),
  };
}
