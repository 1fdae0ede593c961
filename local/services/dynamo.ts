import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { TABLE } from '../../shared/config/table.js';

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** dynalite: the DynamoDB API over HTTP, in memory, or in a folder (`path`) so state survives a restart. */
export async function startDynalite(opts: { port?: number; path?: string } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(opts.path ? { path: opts.path } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type ClientObserver = (client: DynamoDBClient) => void;
const observers = new Set<ClientObserver>();

/**
 * Benchmarks: `observe` sees every local table client as it is made (to add a metering middleware);
 * call the returned function to stop.
 */
export function observeLocalDynamoClients(observe: ClientObserver): () => void {
  observers.add(observe);
  return () => observers.delete(observe);
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const observe of observers) observe(client);
  return client;
}

/** Creates the table exactly as the CDK stack defines it (keys and GSIs from shared/config/table.ts). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, indexes } = TABLE;
  const gsis = Object.values(indexes);
  const attrs = new Set<string>([partitionKey, sortKey, ...gsis.flatMap((g) => [g.partitionKey, g.sortKey])]);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attrs].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: gsis.map((g) => ({
          IndexName: g.name,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: 'HASH' },
            { AttributeName: g.sortKey, KeyType: 'RANGE' },
          ],
          // An index that reads whole items says so (TABLE); the others are held to their keys locally.
          Projection: { ProjectionType: 'projection' in g ? g.projection : 'KEYS_ONLY' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (;;) {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (d.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  // dynalite does not delete expired items (nor does DynamoDB promptly): every expiry is also checked in code.
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } })).catch(() => undefined);
}
