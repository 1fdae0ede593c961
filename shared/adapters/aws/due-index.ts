import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Platform } from '../../config/platforms.js';
import { TABLE, keys } from '../../config/table.js';
import type { RateBudgetRepository, ScanClaimRepository } from '../../ports/store.js';

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The scan's once-only claims: an item per run or segment step, taken while absent or when its lease
 * lapsed (a crashed reader), and stamped `done` at the end. One conditional write each; TTL cleans up.
 */
export class DynamoScanClaims implements ScanClaimRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(claimKey: string, now: string, leaseUntil: string, ttlEpochSeconds: number): Promise<'claimed' | 'done' | 'busy'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.scanClaim(claimKey),
          UpdateExpression: 'SET entity = :e, leaseUntil = :until, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#pk) OR (attribute_not_exists(doneAt) AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':e': 'scanClaim', ':until': leaseUntil, ':ttl': ttlEpochSeconds, ':now': now },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.scanClaim(claimKey), ConsistentRead: true }));
    return current.Item?.doneAt === undefined ? 'busy' : 'done';
  }

  async finish(claimKey: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.scanClaim(claimKey),
        UpdateExpression: 'SET doneAt = :at',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}

/**
 * Token buckets as counters: `ADD taken 1` only while `taken < limit`, so every worker of every
 * function shares one budget per platform and window without a coordinator. A refused take still
 * costs one write unit; the window's item expires with its TTL.
 */
export class DynamoRateBudgets implements RateBudgetRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(platform: Platform, window: string, limit: number, ttlEpochSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateBudget(platform, window),
          UpdateExpression: 'SET entity = :e, #ttl = :ttl ADD taken :one',
          ConditionExpression: 'attribute_not_exists(taken) OR taken < :limit',
          ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':e': 'rateBudget', ':ttl': ttlEpochSeconds, ':one': 1, ':limit': limit },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
