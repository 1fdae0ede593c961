import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, localDynamoClient } from '../../local/services/dynamo.js';
import { DynamoStore } from '../../shared/adapters/aws/dynamo-store.js';

/** A fresh table on the run's dynalite, so test files never see each other's items. */
export async function freshTable(): Promise<{ client: DynamoDBClient; tableName: string; endpoint: string }> {
  const endpoint = inject('dynamoEndpoint');
  const client = localDynamoClient(endpoint);
  const tableName = `t-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return { client, tableName, endpoint };
}

/** The store on a fresh table (see freshTable); the caller destroys `client` when done. */
export async function freshStore(): Promise<{ client: DynamoDBClient; tableName: string; store: DynamoStore }> {
  const { client, tableName } = await freshTable();
  return { client, tableName, store: new DynamoStore(client, tableName) };
}
