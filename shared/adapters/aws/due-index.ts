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
 * Token buckets as counters: `ADD taken :n` only while `taken + n <= limit`, so every worker of every
 * function shares one budget per platform and window without a coordinator, and a queue message takes
 * the tokens of all its checks in one write. Refused (the window is nearly spent): what is left is
 * read and taken instead, conditional on the count still leaving room for it. The window's item
 * expires with its TTL.
 */
export class DynamoRateBudgets implements RateBudgetRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async takeUpTo(platform: Platform, window: string, limit: number, wanted: number, ttlEpochSeconds: number): Promise<number> {
    let n = Math.min(wanted, limit);
    for (let attempt = 0; n > 0 && attempt < TAKE_ATTEMPTS; attempt++) {
      if (await this.add(platform, window, limit, n, ttlEpochSeconds)) return n;
      // Another worker took tokens between our read and our write: what is left is read again.
      const current = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.rateBudget(platform, window), ConsistentRead: true }));
      n = Math.min(n, limit - Number(current.Item?.taken ?? 0));
    }
    return 0;
  }

  private async add(platform: Platform, window: string, limit: number, n: number, ttlEpochSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateBudget(platform, window),
          UpdateExpression: 'SET entity = :e, #ttl = :ttl ADD taken :n',
          ConditionExpression: 'attribute_not_exists(taken) OR taken <= :room',
          ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':e': 'rateBudget', ':ttl': ttlEpochSeconds, ':n': n, ':room': limit - n },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** Tries of a contended take before the message's checks wait for the next tick. */
const TAKE_ATTEMPTS = 4;
