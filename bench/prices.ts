/**
 * AWS list prices, us-east-1, on-demand, in USD, without free tiers (a fleet of this size outgrows
 * most of them; where a free tier matters it is said). Checked on PRICES_CHECKED_ON against the
 * pages named in `source`; the bench's cost figure is computed from these and the counted requests.
 */
export const PRICES_CHECKED_ON = '2026-11-30';

export interface Price {
  usd: number;
  per: string;
  source: string;
  note?: string;
}

export const PRICES = {
  dynamoReadRequestUnit: {
    usd: 0.125 / 1e6,
    per: 'read request unit (on-demand; 4 KB strongly consistent, half for eventually consistent)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    note: 'rates since the on-demand price cut of 2024-11-01',
  },
  dynamoWriteRequestUnit: { usd: 0.625 / 1e6, per: 'write request unit (on-demand; 1 KB)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  dynamoStorageGbMonth: { usd: 0.25, per: 'GB-month of table storage (Standard class; first 25 GB free)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  kmsRequest: { usd: 0.03 / 10_000, per: 'symmetric request (Decrypt, GenerateDataKey; 20,000 a month free)', source: 'https://aws.amazon.com/kms/pricing/' },
  kmsKeyMonth: { usd: 1, per: 'customer managed key-month', source: 'https://aws.amazon.com/kms/pricing/' },
  sqsRequest: { usd: 0.4 / 1e6, per: 'standard-queue request per 64 KB chunk (first 1M a month free)', source: 'https://aws.amazon.com/sqs/pricing/' },
  eventBridgeCustomEvent: { usd: 1 / 1e6, per: 'custom event entry per 64 KB chunk', source: 'https://aws.amazon.com/eventbridge/pricing/' },
  schedulerInvocation: { usd: 1 / 1e6, per: 'EventBridge Scheduler invocation (first 14M a month free)', source: 'https://aws.amazon.com/eventbridge/pricing/' },
  lambdaRequest: { usd: 0.2 / 1e6, per: 'Lambda request', source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'Lambda GB-second on Arm (first 7.5 billion GB-s a month)', source: 'https://aws.amazon.com/lambda/pricing/' },
  sesEmail: { usd: 0.1 / 1000, per: 'outbound email', source: 'https://aws.amazon.com/ses/pricing/' },
  cloudWatchMetricMonth: { usd: 0.3, per: 'custom metric-month (first 10,000 metrics)', source: 'https://aws.amazon.com/cloudwatch/pricing/' },
  cloudWatchLogsGb: { usd: 0.5, per: 'GB of logs ingested (Standard class)', source: 'https://aws.amazon.com/cloudwatch/pricing/' },
  secretsManagerSecretMonth: { usd: 0.4, per: 'secret-month', source: 'https://aws.amazon.com/secrets-manager/pricing/' },
} as const satisfies Record<string, Price>;

export const DAYS_PER_MONTH = 30.4;
