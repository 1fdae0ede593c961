import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Email, Mailer } from '../../ports/misc.js';

/** SES v2 SendEmail with HTML and text parts (the local runtime points it at aws-ses-v2-local). */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(email: Email): Promise<void> {
    // The command is imported on first send, not with the module: a Lambda function that may send but
    // seldom does loads the client only then (functions/lib/aws/senders.ts).
    const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [email.to] },
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            ...(email.headers ? { Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })) } : {}),
          },
        },
      }),
    );
  }
}
