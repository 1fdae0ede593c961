import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { TableAccess } from '../../../shared/adapters/aws/store/base.js';
import { TABLE } from '../../../shared/config/table.js';

type Key = Record<string, string>;
const key = (n: number): Key => ({ [TABLE.partitionKey]: `WS#ws-1`, [TABLE.sortKey]: `CONN#c${n}` });

/** A document client that answers BatchGetItem from `items`, leaving unprocessed what `leave` says for each request. */
function table(items: Key[], leave: (request: number, keys: Key[]) => Key[]) {
  const requests: Key[][] = [];
  const doc = {
    send: async (command: unknown) => {
      if (!(command instanceof BatchGetCommand)) throw new Error('only BatchGetItem here');
      const asked = command.input.RequestItems!.t!;
      expect(asked.ConsistentRead).toBe(true);
      const keys = asked.Keys as Key[];
      requests.push(keys);
      const unprocessed = leave(requests.length, keys);
      const answered = keys.filter((k) => !unprocessed.includes(k));
      const found = answered.flatMap((k) => items.filter((i) => i[TABLE.sortKey] === k[TABLE.sortKey]));
      return { Responses: { t: found }, ...(unprocessed.length > 0 ? { UnprocessedKeys: { t: { Keys: unprocessed } } } : {}) };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db: new TableAccess(doc, 't'), requests };
}

describe('reading a message of connections in one BatchGetItem', () => {
  it('asks again for the keys DynamoDB left unprocessed, and answers in the order asked', async () => {
    const items = [1, 2, 3].map((n) => ({ ...key(n), displayName: `c${n}` }));
    const { db, requests } = table(items, (request, keys) => (request < 3 ? keys.slice(1) : []));
    const found = await db.getMany([key(3), key(9), key(1), key(2)]);
    expect(found.map((i) => i?.displayName)).toEqual(['c3', undefined, 'c1', 'c2']);
    expect(requests.map((r) => r.length)).toEqual([4, 3, 2]);
  });

  it('reads a key asked twice once (DynamoDB refuses duplicate keys) and answers it twice', async () => {
    const { db, requests } = table([{ ...key(1), displayName: 'c1' }], () => []);
    expect((await db.getMany([key(1), key(1)])).map((i) => i?.displayName)).toEqual(['c1', 'c1']);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toHaveLength(1);
  });

  it('gives up with an error when keys stay unprocessed (throttled throughout): the message is retried', async () => {
    const { db, requests } = table([], (_request, keys) => keys);
    await expect(db.getMany([key(1)])).rejects.toThrow(/unprocessed/);
    expect(requests.length).toBeGreaterThan(1);
  });
});
