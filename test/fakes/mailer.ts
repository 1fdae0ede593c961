import type { Email, Mailer } from '../../shared/ports/misc.js';

/** SES: the emails sent, in order; `failNext` makes the next send throw (nothing sent). */
export class FakeMailer implements Mailer {
  readonly sent: Email[] = [];
  private failures = 0;

  async send(email: Email): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SES SendEmail failed (fake)');
    }
    this.sent.push(structuredClone(email));
  }

  failNext(times = 1): void {
    this.failures += times;
  }

  to(address: string): Email[] {
    return this.sent.filter((e) => e.to === address);
  }
}
