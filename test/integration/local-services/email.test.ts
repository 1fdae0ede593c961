import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEmail, type LocalEmail } from '../../../local/services/email.js';

describe('local email (aws-ses-v2-local)', () => {
  let email: LocalEmail;
  let ses: SESv2Client;

  beforeAll(async () => {
    email = await startLocalEmail();
    ses = new SESv2Client({ endpoint: email.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    ses?.destroy();
    await email?.stop();
  });

  it('listens on a free loopback port and starts with an empty outbox', async () => {
    expect(email.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await email.outbox()).toEqual([]);
  });

  it('shows what the SESv2 SendEmail (Simple, Html + Text) sent, one entry per recipient', async () => {
    const before = Date.now();
    const res = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'alerts@flamel.example',
        Destination: { ToAddresses: ['owner@example.com', 'second@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Your LinkedIn connection needs attention', Charset: 'UTF-8' },
            Body: {
              Text: { Data: 'Reconnect: http://localhost/app', Charset: 'UTF-8' },
              Html: { Data: '<p>Reconnect: <a href="http://localhost/app">here</a></p>', Charset: 'UTF-8' },
            },
          },
        },
      }),
    );
    expect(res.MessageId).toMatch(/\S/);

    const outbox = await email.outbox();
    expect(outbox.map((m) => m.to)).toEqual(['owner@example.com', 'second@example.com']);
    expect(outbox[0]).toMatchObject({
      subject: 'Your LinkedIn connection needs attention',
      text: 'Reconnect: http://localhost/app',
      html: '<p>Reconnect: <a href="http://localhost/app">here</a></p>',
    });
    const sentAt = Date.parse(outbox[0]?.sentAt ?? '');
    expect(outbox[0]?.sentAt).toBe(new Date(sentAt).toISOString());
    expect(sentAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000); // stamped in whole seconds
    expect(sentAt).toBeLessThanOrEqual(Date.now());
  });

  it('an invalid request is refused by the SDK, not stored', async () => {
    const count = (await email.outbox()).length;
    await expect(
      ses.send(new SendEmailCommand({ Destination: { ToAddresses: ['a@example.com'] }, Content: { Simple: { Subject: { Data: 's' }, Body: {} } } })),
    ).rejects.toThrow();
    expect((await email.outbox()).length).toBe(count);
  });
});
