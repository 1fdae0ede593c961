import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IDEMPOTENCY } from '../../../shared/config/table.js';

/** Powertools idempotency records in the service's one table (pk = IDEMPOTENCY#<fn>, sk = key). Only publish wires it. */
export function idempotencyLayer(client: DynamoDBClient, tableName: string): BasePersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: IDEMPOTENCY.keyAttr,
    sortKeyAttr: IDEMPOTENCY.sortKeyAttr,
    expiryAttr: IDEMPOTENCY.expiryAttr,
    staticPkValue: 'IDEMPOTENCY#publish',
  });
}
