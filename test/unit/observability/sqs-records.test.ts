import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPostRetriesHandler } from '../../../functions/queues/post-retries.js';
import { asLog, logger } from '../../../functions/lib/runtime.js';
import { lambdaContext } from '../../../local/api-gateway.js';
import { CountingMetrics } from '../../../local/services/metrics.js';
import { EVENT_SOURCE, EVENT_TYPES } from '../../../shared/config/events.js';
import { MAX_RECEIVE_COUNT } from '../../../shared/config/messaging.js';
import type { Deps } from '../../../shared/use-cases/deps.js';
import { TokenStoreUnavailableError } from '../../../shared/use-cases/tokens.js';

afterEach(() => vi.restoreAllMocks());

const detail = { workspaceId: 'ws-1', connectionId: 'conn-1', platform: 'facebook', occurredAt: '2026-11-30T00:00:00.000Z', episodeId: 'ep-1' };
const envelope = JSON.stringify({ source: EVENT_SOURCE, 'detail-type': EVENT_TYPES.restored, detail });

function record(messageId: string, body: string, receiveCount: number): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:post-retries',
    awsRegion: 'us-east-1',
  };
}

/** The post-retries consumer over a store whose reads fail with `error`, logging through the real Powertools logger. */
function consumer(error: Error) {
  const metrics = new CountingMetrics();
  const store = { connections: { get: () => Promise.reject(error) } } as unknown as Deps['store'];
  const deps = { store, metrics, log: asLog(logger), queues: { sendBatch: () => Promise.resolve() } } as unknown as Deps;
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  for (const level of ['error', 'warn', 'info'] as const) {
    vi.spyOn(logger, level).mockImplementation(((message: string, extra?: Record<string, unknown>) => void lines.push({ level, message, extra: extra ?? {} })) as never);
  }
  const handler = createPostRetriesHandler(deps);
  const run = (records: SQSRecord[]) => handler({ Records: records } as SQSEvent, lambdaContext('postRetries', 30));
  return { metrics, lines, run };
}

describe('SQS record handling', () => {
  it('logs one line per failed record with its error code and the message\'s correlation keys; counts it dead-lettered only on its last receive', async () => {
    const { metrics, lines, run } = consumer(new TokenStoreUnavailableError('kms down'));
    const out = await run([record('m-early', envelope, 1), record('m-last', envelope, MAX_RECEIVE_COUNT)]);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-early', 'm-last']);
    const failed = lines.filter((l) => l.message.startsWith('record failed'));
    expect(failed).toHaveLength(2);
    for (const l of failed) {
      expect(l.extra).toMatchObject({ errorCode: 'TOKEN_STORE_UNAVAILABLE', queue: 'postRetries', workspaceId: 'ws-1', connectionId: 'conn-1', episodeId: 'ep-1' });
    }
    expect(failed.find((l) => l.extra.messageId === 'm-last')).toMatchObject({ level: 'error', extra: { deadLetterNext: true, receiveCount: MAX_RECEIVE_COUNT } });
    expect(failed.find((l) => l.extra.messageId === 'm-early')).toMatchObject({ level: 'warn', extra: { deadLetterNext: false } });
    expect(metrics.valueOf('DeadLetteredRecords', { queue: 'postRetries', kind: 'failed' })).toBe(1);
    expect(metrics.valueOf('DeadLetteredRecords', { queue: 'postRetries' })).toBe(1);
  });

  it('counts a malformed record that reaches its last receive as malformed', async () => {
    const { metrics, lines, run } = consumer(new Error('unused'));
    await run([record('m-bad', 'not json', MAX_RECEIVE_COUNT)]);
    expect(lines.find((l) => l.message.startsWith('record failed'))).toMatchObject({ extra: { errorCode: 'MalformedMessageError', messageId: 'm-bad' } });
    expect(metrics.valueOf('DeadLetteredRecords', { queue: 'postRetries', kind: 'malformed' })).toBe(1);
  });

  it('never logs a token that a failing record carried', async () => {
    const { lines, run } = consumer(new Error('boom'));
    await run([record('m-tok', JSON.stringify({ accessToken: 'EAAB-secret', detail: { ...detail, refreshToken: 'r-secret' } }), 1)]);
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });
});
