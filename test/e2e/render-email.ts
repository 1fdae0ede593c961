/**
 * Renders the expired-connection email (the README's sample) to docs/:
 *   docs/email-expired.png  the HTML part as a mail client would show it (Chromium, full page, 700 px wide)
 *   docs/email-expired.txt  the plain-text part, with the subject on top
 *
 * Run: npx tsx test/e2e/render-email.ts   (needs /usr/bin/chromium; no network is used)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { renderConnectionExpiredEmail } from '../../shared/domain/notifications/index.js';
import { sampleExpiredEmailInput } from '../unit/notifications/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);
    process.exitCode = 1;
    return;
  }
  const email = renderConnectionExpiredEmail(sampleExpiredEmailInput());
  mkdirSync(DOCS, { recursive: true });

  const txtPath = join(DOCS, 'email-expired.txt');
  writeFileSync(txtPath, `Subject: ${email.subject}\n\n${email.text.endsWith('\n') ? email.text : `${email.text}\n`}`);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 700, height: 900 }, deviceScaleFactor: 1, javaScriptEnabled: false });
    // An email must not load anything: block every request the HTML might make.
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(email.html, { waitUntil: 'load' });
    const pngPath = join(DOCS, 'email-expired.png');
    await page.screenshot({ path: pngPath, fullPage: true });
    console.log(`wrote ${relative(process.cwd(), pngPath)} and ${relative(process.cwd(), txtPath)} (subject: ${email.subject})`);
  } finally {
    await browser.close();
  }
}

await main();
