import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import type { Deps } from '../../../shared/use-cases/deps.js';
import { ensureTable, localDynamoClient, startDynalite, type LocalDynamo } from '../../../local/services/dynamo.js';
import { LocalAccessDeniedError, depsForFunction, guardDynamoClient } from '../../../local/services/function-permissions.js';

let dynamo: LocalDynamo;
const clients: DynamoDBClient[] = [];
beforeAll(async () => {
  dynamo = await startDynalite();
  const admin = localDynamoClient(dynamo.endpoint);
  clients.push(admin);
  await ensureTable(admin, 'perm-test');
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await dynamo.stop();
});

function storeFor(fn: Parameters<typeof guardDynamoClient>[0]): DynamoStore {
  const client = guardDynamoClient(fn, localDynamoClient(dynamo.endpoint));
  clients.push(client);
  return new DynamoStore(client, 'perm-test');
}

const workspace = { workspaceId: 'ws-perm', name: 'Perm', ownerUserId: 'u1', createdAt: '2026-01-01T00:00:00.000Z' };

describe('local function permissions (the stack role, enforced locally)', () => {
  it('a read-only function may read the table but not write it', async () => {
    await storeFor('api').workspaces.create(workspace, { workspaceId: 'ws-perm', userId: 'u1', email: 'u1@x.test', role: 'owner' });
    const readOnly = storeFor('postRetries');
    await expect(readOnly.workspaces.get('ws-perm')).resolves.toMatchObject({ name: 'Perm' });
    await expect(readOnly.workspaces.setSkipRetriesOlderThanHours('ws-perm', 3)).rejects.toThrow(LocalAccessDeniedError);
    await expect(readOnly.workspaces.setSkipRetriesOlderThanHours('ws-perm', 3)).rejects.toThrow(/postRetries may not call dynamodb:UpdateItem/);
  });

  it('only functions granted DeleteItem may delete', async () => {
    await expect(storeFor('expiryScan').notices.release('n1')).rejects.toThrow(/dynamodb:DeleteItem/);
    await expect(storeFor('alerts').notices.release('n1')).resolves.toBeUndefined();
  });

  it('events, queues, email, the token key and platform credentials only where the spec says', async () => {
    const calls: string[] = [];
    const shared = {
      bus: { publish: async () => void calls.push('bus') },
      queues: { sendBatch: async (q: string) => void calls.push(`queue:${q}`) },
      mailer: { send: async () => void calls.push('mail') },
      cipher: { seal: async () => ({ ciphertext: '', iv: '', tag: '', encryptedDataKey: '', keyId: '' }), open: async () => 'plain' },
      platforms: {},
    } as unknown as Deps;
    const store = storeFor('alerts');
    const alerts = depsForFunction('alerts', shared, store);
    await expect(alerts.bus.publish([])).rejects.toThrow(/events:PutEvents/);
    await expect(alerts.queues.sendBatch('publish', [{}])).rejects.toThrow(/sqs:SendMessage on publish/);
    await expect(alerts.cipher.open({ ciphertext: '', iv: '', tag: '', encryptedDataKey: '', keyId: '' }, 'aad')).rejects.toThrow(/kms:Decrypt/);
    expect(() => alerts.platforms.facebook).toThrow(/platform credentials/);
    await alerts.mailer.send({ to: 'a@b.test', subject: 's', text: 't', html: 'h' });

    const retries = depsForFunction('postRetries', shared, store);
    await retries.queues.sendBatch('publish', [{}]);
    await expect(retries.queues.sendBatch('alerts', [{}])).rejects.toThrow(LocalAccessDeniedError);
    await expect(retries.mailer.send({ to: 'a@b.test', subject: 's', text: 't', html: 'h' })).rejects.toThrow(/ses:SendEmail/);

    const publish = depsForFunction('publish', shared, store);
    await publish.bus.publish([]);
    await expect(publish.cipher.open({ ciphertext: '', iv: '', tag: '', encryptedDataKey: '', keyId: '' }, 'aad')).resolves.toBe('plain');
    expect(calls).toEqual(['mail', 'queue:publish', 'bus']);
  });
});
