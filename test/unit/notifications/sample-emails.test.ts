import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleEmails } from '../../e2e/render-email.js';

/** The README shows docs/emails/*.txt: they must be what the templates send today. */
describe('the README\'s sample emails', () => {
  for (const [name, email] of Object.entries(sampleEmails())) {
    it(`docs/emails/${name}.txt is the current ${name} email (regenerate: npx tsx test/e2e/render-email.ts)`, () => {
      const committed = readFileSync(new URL(`../../../docs/emails/${name}.txt`, import.meta.url), 'utf8');
      expect(committed).toContain(`Subject: ${email.subject}\n`);
      expect(committed.endsWith(email.text.endsWith('\n') ? email.text : `${email.text}\n`)).toBe(true);
    });
  }
});
