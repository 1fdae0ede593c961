import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Platform } from '../../config/platforms.js';
import { TABLE, keys } from '../../config/table.js';
import type { RateBudgetRepository, ScanClaimRepository, TokenWant } from '../../ports/store.js';

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
 * Token buckets as counters, every platform's of one window in one item (`taken_<platform>`): a queue
 * message takes the tokens of all its checks in one write, `ADD taken_p :n` for each platform only while
 * `taken_p + n <= limit` for each, so every worker of every function shares one budget per platform and
 * window without a coordinator. Refused (a window nearly spent, or another worker between): what is left
 * is read and taken instead, conditional on the counts still leaving room for it. The item expires
 * with its TTL.
 */
export class DynamoRateBudgets implements RateBudgetRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async takeUpTo(window: string, wants: readonly TokenWant[], ttlEpochSeconds: number): Promise<Map<Platform, number>> {
    let asks = wants.map((w) => ({ ...w, n: Math.min(w.wanted, w.limit) })).filter((w) => w.n > 0);
    for (let attempt = 0; asks.length > 0 && attempt < TAKE_ATTEMPTS; attempt++) {
      if (await this.add(window, asks, ttlEpochSeconds)) return new Map(asks.map((a) => [a.platform, a.n]));
      const current = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.rateBudget(ALL_PLATFORMS, window), ConsistentRead: true }));
      asks = asks.map((a) => ({ ...a, n: Math.min(a.n, a.limit - Number(current.Item?.[`taken_${a.platform}`] ?? 0)) })).filter((a) => a.n > 0);
    }
    return new Map();
  }

  private async add(window: string, asks: readonly (TokenWant & { n: number })[], ttlEpochSeconds: number): Promise<boolean> {
    const names = Object.fromEntries(asks.map((a, i) => [`#t${i}`, `taken_${a.platform}`]));
    const values = Object.fromEntries(asks.flatMap((a, i) => [[`:n${i}`, a.n], [`:room${i}`, a.limit - a.n]]));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.rateBudget(ALL_PLATFORMS, window),
          UpdateExpression: `SET entity = :e, #ttl = :ttl ADD ${asks.map((_, i) => `#t${i} :n${i}`).join(', ')}`,
          ConditionExpression: asks.map((_, i) => `(attribute_not_exists(#t${i}) OR #t${i} <= :room${i})`).join(' AND '),
          ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute, ...names },
          ExpressionAttributeValues: { ':e': 'rateBudget', ':ttl': ttlEpochSeconds, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** The one bucket item of a window holds every platform's counter. */
const ALL_PLATFORMS = 'platforms';
/** Tries of a contended take before the message's checks wait for the next tick. */
const TAKE_ATTEMPTS = 4;
