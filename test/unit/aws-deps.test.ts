import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsDeps } from '../../functions/lib/aws/deps.js';
import { ENV } from '../../shared/config/functions.js';
import { queueUrlEnv, type QueueKey } from '../../shared/config/messaging.js';
import type { QueueSender } from '../../shared/ports/misc.js';

const saved = { ...process.env };
beforeEach(() => {
  process.env[ENV.tableName] = 'table';
  process.env[ENV.eventBusName] = 'bus';
  process.env[ENV.dashboardOrigin] = 'https://app.example.com';
  process.env[ENV.apiBaseUrl] = 'https://api.example.com';
});
afterEach(() => {
  process.env = { ...saved };
});

describe('awsDeps (a Lambda function gets the adapters its spec grants, and only those)', () => {
  it('gives the expiry scan its queues and refuses email, events, platforms and tokens with the reason', async () => {
    let urlOf: ((queue: QueueKey) => string) | undefined;
    const queues: QueueSender = { sendBatch: async () => undefined };
    const { deps, extras } = await awsDeps('expiryScan', { queues: (lookup) => ((urlOf = lookup), queues) })();
    expect(deps.queues).toBe(queues);
    await expect(async () => deps.mailer.send({ to: 'a@example.com', subject: 's', text: 't', html: 'h' })).rejects.toThrow(
      'expiryScan may not send email (send): its spec in shared/config/functions.ts does not grant it',
    );
    expect(() => deps.bus.publish([])).toThrow('expiryScan may not put events');
    expect(() => deps.platforms.facebook).toThrow('expiryScan may not call the platforms');
    expect(() => extras.idempotency.getRecord).toThrow('expiryScan may not keep idempotency records');
    await expect(deps.cipher.seal('token', 'aad')).rejects.toThrow('This function has no token key');
    // A queue the stack gave no URL for is one the function may not send to.
    expect(() => urlOf!('publish')).toThrow(`${queueUrlEnv('publish')} is not set`);
    process.env[queueUrlEnv('expiryChecks')] = 'https://sqs.example.com/checks';
    expect(urlOf!('expiryChecks')).toBe('https://sqs.example.com/checks');
  });

  it('fails the build with the missing variable when the environment is incomplete', async () => {
    delete process.env[ENV.tableName];
    await expect(awsDeps('alerts', { mailer: () => ({ send: async () => undefined }) })()).rejects.toThrow(ENV.tableName);
  });
});
