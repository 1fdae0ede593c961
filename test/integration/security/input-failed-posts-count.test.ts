import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { startWithConnectedAccount, type OutboxEmail } from '../../helpers/connected-account.js';

// Issue 10, point 6: "10 posts failed" when 50 did, and the other 40 never mailed.
let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

const POSTS = 50;
const isExpiryEmail = (e: OutboxEmail) => e.subject.startsWith('Action needed');
const isFailedPostsEmail = (e: OutboxEmail) => /failed: reconnect/.test(e.subject);

async function setUp() {
  // A waiting email comes back after the visibility timeout (AWS: 180 s); a few seconds here.
  const base = await startWithConnectedAccount(
    { userId: 'count-owner', email: 'owner@count.test', workspace: 'Counted', platform: 'linkedin', account: 'count-co', accountName: 'Count Co' },
    { visibilityTimeoutSeconds: 5 },
  );
  rt = base.rt;
  return base;
}

/** The email tells the truth: all of them counted, the first ten listed, "and 40 more", a link to the full list. */
function expectEveryFailureCounted(email: OutboxEmail, ws: string) {
  expect(email.text).toContain(`${POSTS} posts are waiting`);
  expect(email.text).toContain(`These ${POSTS} posts could not publish`);
  expect(email.text).not.toMatch(/\b(10|[1-4]\d) posts are waiting/);
  expect(email.text.match(/^ {2}- "Post \d+"/gm)).toHaveLength(10);
  expect(email.text).toContain(`and ${POSTS - 10} more`);
  expect(email.text).toContain(`See all ${POSTS} failed posts on your dashboard: ${rt!.url}/app/?workspace=${encodeURIComponent(ws)}#alerts`);
  expect(email.html).toContain(`${rt!.url}/app/?workspace=${encodeURIComponent(ws)}#alerts`);
}

describe('an email listing failed posts counts every post that failed with them', () => {
  it(`the scan found the drop first, then ${POSTS} posts due together fail: one failed-posts email, counting all ${POSTS}`, async () => {
    const { owner, ws, schedule, publishDue, outbox } = await setUp();
    await owner.call('POST', '/sandbox/linkedin/accounts/count-co/revoke', { reason: 'revoked' });
    rt!.clock.advanceDays(1);
    await owner.login('count-owner', 'owner@count.test');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');
    for (let i = 1; i <= POSTS; i++) await schedule(`Post ${i}`);
    await publishDue();

    const emails = await outbox();
    expect(emails.filter(isExpiryEmail)).toHaveLength(1);
    const failed = emails.filter(isFailedPostsEmail);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.subject).toContain(`${POSTS} posts to LinkedIn "Count Co" failed`);
    expectEveryFailureCounted(failed[0]!, ws);
  }, 180_000);

  it(`a publish failure found the drop with ${POSTS} posts due: the expiry email counts all ${POSTS}`, async () => {
    const { owner, ws, schedule, publishDue, outbox } = await setUp();
    await owner.call('POST', '/sandbox/linkedin/accounts/count-co/revoke', { reason: 'revoked' });
    for (let i = 1; i <= POSTS; i++) await schedule(`Post ${i}`);
    await publishDue();

    const emails = await outbox();
    expect(emails.filter(isFailedPostsEmail)).toHaveLength(0);
    const expiry = emails.filter(isExpiryEmail);
    expect(expiry).toHaveLength(1);
    expectEveryFailureCounted(expiry[0]!, ws);
  }, 180_000);
});
