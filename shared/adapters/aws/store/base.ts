import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../../config/table.js';
import { VersionConflictError } from '../../../domain/errors.js';
import type { Page } from '../../../ports/store.js';

export type Item = Record<string, unknown>;

/** DynamoDB's limit of keys per BatchGetItem. */
export const BATCH_GET_MAX_KEYS = 100;
const BATCH_GET_ATTEMPTS = 8;

/** A ConditionExpression with its names and values. */
export interface Condition {
  expr: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** Table and index key attributes: storage, not part of what a repository returns. */
const KEY_ATTRS = [
  TABLE.partitionKey,
  TABLE.sortKey,
  'entity',
  'duePk',
  'dueSk',
  'failedPk',
  'failedSk',
  'reconPk',
  'reconSk',
  'listPk',
  'listSk',
  TABLE.indexes.scheduled.partitionKey,
  TABLE.indexes.scheduled.sortKey,
  TABLE.ttlAttribute,
];

/** The stored entity without its key attributes. */
export function strip<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  const copy: Item = { ...item };
  for (const k of KEY_ATTRS) delete copy[k];
  return copy as T;
}

/** Removes undefined fields (DocumentClient would refuse them) from a plain object. */
export function defined(obj: object): Item {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');
}

/** `attribute_not_exists(pk)`: create only. */
export const NEW_ITEM: Condition = { expr: 'attribute_not_exists(#pk)', names: { '#pk': TABLE.partitionKey } };

/** The one table behind every repository: thin helpers over the document client. */
export class TableAccess {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(key: Item, consistent = true): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: consistent }));
    return out.Item;
  }

  /**
   * Strongly consistent reads of up to BATCH_GET_MAX_KEYS items in one BatchGetItem (duplicates read
   * once), answered in the order of `keys` (undefined: no such item). Keys DynamoDB leaves unprocessed
   * (throttling, the 16 MB answer limit) are asked again with backoff, as the SDK's docs advise.
   */
  async getMany(keys: Item[]): Promise<(Item | undefined)[]> {
    const id = (key: Item) => `${String(key[TABLE.partitionKey])}\u0000${String(key[TABLE.sortKey])}`;
    const unique = [...new Map(keys.map((k) => [id(k), k])).values()];
    if (unique.length > BATCH_GET_MAX_KEYS) throw new RangeError(`BatchGetItem reads at most ${BATCH_GET_MAX_KEYS} keys, not ${unique.length}`);
    const found = new Map<string, Item>();
    let pending: Item[] = unique;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_GET_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${BATCH_GET_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));
      const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of out.Responses?.[this.tableName] ?? []) found.set(id(item), item);
      pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Item[];
    }
    return keys.map((k) => found.get(id(k)));
  }

  /** Put with an optional condition; false when the condition failed. */
  async put(item: Item, condition?: Condition): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(condition
            ? { ConditionExpression: condition.expr, ExpressionAttributeNames: condition.names, ExpressionAttributeValues: condition.values }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The one place a version moves (optimistic concurrency is the store's business, not the callers'):
   * writes `next` as version `expectedVersion + 1` only if the stored version is still `expectedVersion`
   * (and `also` holds). Returns what was written; VersionConflictError when the condition failed.
   */
  async putNextVersion<T extends { version: number }>(what: string, next: T, expectedVersion: number, toItem: (entity: T) => Item, also?: Condition): Promise<T> {
    const written: T = { ...next, version: expectedVersion + 1 };
    const ok = await this.put(toItem(written), {
      expr: also ? `#v = :expected AND (${also.expr})` : '#v = :expected',
      names: { '#v': 'version', ...also?.names },
      values: { ':expected': expectedVersion, ...also?.values },
    });
    if (!ok) throw new VersionConflictError(what);
    return written;
  }

  /** An UpdateItem; its attributes when `ReturnValues` asks for them. A failed condition throws. */
  async updateItem(input: Omit<UpdateCommandInput, 'TableName'>): Promise<Item | undefined> {
    const out = await this.doc.send(new UpdateCommand({ TableName: this.tableName, ...input }));
    return out.Attributes;
  }

  /** An UpdateItem; false when its condition failed. */
  async update(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.updateItem(input);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Sets `attribute = at` on an existing item only if it was never set (a state used, a link used, an
   * alert resolved): one conditional write, so of two racing callers exactly one gets `true`.
   * `remove`: attributes dropped in the same write (e.g. sparse index keys the item leaves).
   */
  async stampOnce(key: Item, attribute: string, at: string, remove: readonly string[] = []): Promise<boolean> {
    return this.update({
      Key: key,
      UpdateExpression: `SET #attr = :at${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#attr)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#attr': attribute },
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Item[]; lastKey?: Record<string, unknown> }> {
    const out = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...input }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  }

  /** Every page of a Query. */
  async queryEvery(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.query({ ...input, ExclusiveStartKey: start });
      items.push(...page.items);
      start = page.lastKey;
    } while (start);
    return items;
  }

  /** All items of one partition with a sort-key prefix (strongly consistent, every page). */
  async queryAll(pk: string, skPrefix: string): Promise<Item[]> {
    return this.queryEvery({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ConsistentRead: true,
    });
  }

  /** One page of an index partition, up to `untilSk` when given; the cursor is opaque to callers. */
  async queryIndexPage(
    index: { name: string; partitionKey: string; sortKey: string },
    pk: string,
    untilSk: string | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<Item>> {
    const page = await this.query({
      IndexName: index.name,
      KeyConditionExpression: untilSk === undefined ? '#pk = :pk' : '#pk = :pk AND #sk <= :until',
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(untilSk === undefined ? {} : { '#sk': index.sortKey }) },
      ExpressionAttributeValues: { ':pk': pk, ...(untilSk === undefined ? {} : { ':until': untilSk }) },
      ExclusiveStartKey: decodeCursor(cursor),
      Limit: limit,
    });
    return { items: page.items, cursor: encodeCursor(page.lastKey) };
  }
}
