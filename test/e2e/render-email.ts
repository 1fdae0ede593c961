/**
 * Renders every email an owner can receive (the README's samples) to docs/emails/:
 *   <name>.png  the HTML part as a mail client would show it (Chromium, full page, 700 px wide)
 *   <name>.txt  the plain-text part, with the subject (and any extra header) on top
 *
 * Run: npx tsx test/e2e/render-email.ts   (needs /usr/bin/chromium; no network is used)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  renderConnectionExpiredEmail,
  renderConnectionExpiringEmail,
  renderConnectionRestoredEmail,
  renderPostsFailedEmail,
  type RenderedEmail,
} from '../../shared/domain/notifications/index.js';
import { renderWeeklyDigestEmail } from '../../shared/domain/notifications/digest-email.js';
import { sampleExpiredEmailInput, sampleFailedPosts } from '../unit/notifications/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'emails');
const preferencesUrl = 'https://app.flamel.ai/app/?workspace=ws-acme#notifications';
const reconnectUrl = 'https://app.flamel.ai/app/?workspace=ws-acme&reconnect=conn-7f3a2c';
const common = { accountName: 'Acme Running Co.', workspaceName: 'Acme Marketing', preferencesUrl, reconnectUrl } as const;

/** One sample of each email, from the same render functions the senders use. */
export function sampleEmails(): Record<string, RenderedEmail & { headers?: Record<string, string> }> {
  const atRisk = sampleFailedPosts(5).map((p, i) => ({ ...p, postId: `next-${i}`, publishAt: new Date(Date.UTC(2025, 4, 2 + i, 10)).toISOString() }));
  const { failedPosts: _unused, occurredAt: _when, ...failedBase } = sampleExpiredEmailInput({ preferencesUrl });
  return {
    'connection-expired': renderConnectionExpiredEmail(sampleExpiredEmailInput({ preferencesUrl, postsAtRisk: atRisk.slice(0, 3), postsAtRiskTotal: 5 })),
    'posts-failed': renderPostsFailedEmail({ ...failedBase, failedPosts: sampleFailedPosts(4), failedPostsUrl: 'https://app.flamel.ai/app/?workspace=ws-acme#alerts' }),
    'expiring-soon': renderConnectionExpiringEmail({ ...common, platform: 'linkedin', accountName: 'Acme Running', deadline: '2025-06-14T09:00:00.000Z', cause: 'yearly_consent' }),
    'connection-restored': renderConnectionRestoredEmail({ ...common, platform: 'facebook', retriedPosts: 3 }),
    'weekly-digest': {
      ...renderWeeklyDigestEmail({
        workspaceName: 'Acme Marketing',
        week: '2025-W18',
        connections: [
          { platform: 'facebook', accountName: 'Acme Running Co.', status: 'active' },
          { platform: 'linkedin', accountName: 'Acme Running', status: 'expiring', deadline: '2025-05-09T09:00:00.000Z', postsAtRisk: 2 },
          { platform: 'instagram', accountName: 'acme.running', status: 'expired', postsAtRisk: 3 },
        ],
        dropped: [{ platform: 'instagram', accountName: 'acme.running', status: 'expired' }],
        cameBack: [{ platform: 'facebook', accountName: 'Acme Running Co.', status: 'active' }],
        failed: [{ platform: 'instagram', text: 'New trail shoes are in: come try them on Saturday.', at: '2025-05-01T09:00:00.000Z' }],
        retried: [{ platform: 'facebook', text: 'Spring sale, day 1: everything in the shop is 20% off.', at: '2025-04-29T09:00:00.000Z' }],
        published: [
          { platform: 'facebook', text: 'Spring sale, day 1: everything in the shop is 20% off.', at: '2025-04-30T10:14:00.000Z' },
          { platform: 'linkedin', text: 'We are hiring a store manager for our downtown shop.', at: '2025-05-02T08:00:00.000Z' },
        ],
        dashboardUrl: 'https://app.flamel.ai/app/?workspace=ws-acme',
        preferencesUrl,
      }),
      headers: { 'List-Unsubscribe': `<${preferencesUrl}>` },
    },
  };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);
    process.exitCode = 1;
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 700, height: 900 }, deviceScaleFactor: 1, javaScriptEnabled: false });
    // An email must not load anything: block every request the HTML might make.
    await context.route('**/*', (route) => route.abort());
    for (const [name, email] of Object.entries(sampleEmails())) {
      const head = [`Subject: ${email.subject}`, ...Object.entries(email.headers ?? {}).map(([k, v]) => `${k}: ${v}`)].join('\n');
      const txtPath = join(OUT, `${name}.txt`);
      writeFileSync(txtPath, `${head}\n\n${email.text.endsWith('\n') ? email.text : `${email.text}\n`}`);
      const page = await context.newPage();
      await page.setContent(email.html, { waitUntil: 'load' });
      const pngPath = join(OUT, `${name}.png`);
      await page.screenshot({ path: pngPath, fullPage: true });
      await page.close();
      console.log(`wrote ${relative(process.cwd(), pngPath)} and ${relative(process.cwd(), txtPath)} (subject: ${email.subject})`);
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
