import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime, LocalRuntimeOptions } from '../../../local/runtime.js';
import type { ConnectionEventDetail } from '../../../shared/config/events.js';
import type { Store } from '../../../shared/ports/store.js';
import { notifyOwners } from '../../../shared/use-cases/notify-owners.js';
import { publishPost } from '../../../shared/use-cases/publish-post.js';
import { startWithConnectedAccount, type OutboxEmail } from '../../helpers/connected-account.js';

let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

type Email = OutboxEmail;

const isExpiryEmail = (e: Email) => e.subject.startsWith('Action needed');
const isFailedPostsEmail = (e: Email) => /could not publish|failed: reconnect/.test(e.subject) && !isExpiryEmail(e);

async function setUp(opts: LocalRuntimeOptions = {}) {
  const base = await startWithConnectedAccount(
    { userId: 'fp-owner', email: 'owner@fp.test', workspace: 'Bakery', platform: 'facebook', account: 'bakery-page', accountName: 'Bakery Page' },
    opts,
  );
  rt = base.rt;
  return base;
}

describe('failed-post notification: one email per connection and episode that lists the failed posts', () => {
  it.each([
    ['each message delivered once', {}],
    ['every event and message delivered twice', { duplicateEverything: true, awsConcurrency: true }],
  ] as const)('the scan found the drop first (%s): the posts that fail later get one email of their own', async (_name, opts) => {
    const { rt: runtime, owner, ws, connectionId, outbox, schedule, publishDue } = await setUp(opts);
    await owner.call('POST', '/sandbox/facebook/accounts/bakery-page/revoke', { reason: 'password_changed' });
    runtime.clock.advanceDays(1);
    await owner.login('fp-owner', 'owner@fp.test');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');

    let emails = await outbox();
    expect(emails.filter(isExpiryEmail)).toHaveLength(1);
    expect(emails.filter(isExpiryEmail)[0]!.text).toContain('No posts have failed yet');
    expect(emails.filter(isFailedPostsEmail)).toHaveLength(0);

    const first = await schedule('Fresh croissants at 7');
    await publishDue();
    emails = await outbox();
    const failedPostsEmails = emails.filter(isFailedPostsEmail);
    expect(failedPostsEmails).toHaveLength(1);
    const email = failedPostsEmails[0]!;
    expect(email.to).toBe('owner@fp.test');
    expect(email.subject).toContain('Facebook');
    expect(email.subject).toContain('Bakery Page');
    expect(email.text).toContain('Fresh croissants at 7');
    expect(email.text).toContain('retries automatically');
    expect(email.text).toContain('CONNECTION_EXPIRED/facebook/password_changed');
    expect(email.text).toContain(`reconnect=${connectionId}`);
    expect(email.html).toContain('Fresh croissants at 7');

    // A second post failing in the same episode: a dashboard alert, no second email.
    const second = await schedule('Sourdough is back');
    await publishDue();
    expect((await outbox()).filter(isFailedPostsEmail)).toHaveLength(1);
    const alerts = (await owner.call<{ alerts: { kind: string; postId?: string }[] }>('GET', `/workspaces/${ws}/alerts`)).body.alerts;
    expect(alerts.filter((a) => a.kind === 'post_failed').map((a) => a.postId).sort()).toEqual([first, second].sort());

    // Reconnect: both go out once, and no further failure email.
    expect((await owner.reconnect(ws, connectionId, 'bakery-page')).searchParams.get('result')).toBe('restored');
    await owner.call('POST', '/local/drain');
    const published = (await owner.call<{ posts: { text: string }[] }>('GET', '/sandbox/facebook/posts')).body.posts.map((p) => p.text).sort();
    expect(published).toEqual(['Fresh croissants at 7', 'Sourdough is back']);
    const final = await outbox();
    expect(final.filter(isFailedPostsEmail)).toHaveLength(1);
    expect(final.filter(isExpiryEmail)).toHaveLength(1);
  });

  it('a publish failure found the drop: the expiry email lists the post, and no failed-posts email follows', async () => {
    const { owner, outbox, schedule, publishDue } = await setUp();
    await owner.call('POST', '/sandbox/facebook/accounts/bakery-page/revoke', { reason: 'password_changed' });
    await schedule('Cinnamon rolls today');
    await publishDue();

    let emails = await outbox();
    expect(emails.filter(isExpiryEmail)).toHaveLength(1);
    expect(emails.filter(isExpiryEmail)[0]!.text).toContain('Cinnamon rolls today');
    expect(emails.filter(isFailedPostsEmail)).toHaveLength(0);

    // The episode's email listing failed posts has gone out: a later failure adds none.
    await schedule('Bagels tomorrow');
    await publishDue();
    emails = await outbox();
    expect(emails).toHaveLength(1);
  });
});

describe('failed-post notification when the expiry email and a failure cross', () => {
  it('a post failing while the expiry email is being written (after it read the failed posts) is still emailed once', async () => {
    // The expired event is handled below by hand, at a chosen moment; the alerts worker handles the rest.
    const { rt: runtime, owner, ws, connectionId, outbox, schedule } = await setUp({
      wrapQueueHandler: (consumer, handler) =>
        consumer !== 'alerts'
          ? handler
          : async (event, context) => {
              const Records = event.Records.filter((r) => (JSON.parse(r.body) as { 'detail-type': string })['detail-type'] !== 'connection.expired');
              return Records.length === 0 ? { batchItemFailures: [] } : handler({ ...event, Records }, context);
            },
    });
    await owner.call('POST', '/sandbox/facebook/accounts/bakery-page/revoke', { reason: 'password_changed' });
    runtime.clock.advanceDays(1);
    await owner.login('fp-owner', 'owner@fp.test');
    await owner.call('POST', '/local/scan');
    await owner.call('POST', '/local/drain');
    const events = (await owner.call<{ events: { 'detail-type': string; detail: ConnectionEventDetail }[] }>('GET', '/local/events')).body.events;
    const expired = events.find((e) => e['detail-type'] === 'connection.expired' && e.detail.connectionId === connectionId)!;
    const postId = await schedule('Macarons for the weekend');

    // The alerts worker reads the (still empty) failed posts for the expiry email; at that moment the
    // publisher fails the post and its connection.post_failed is handled before the email is claimed.
    let crossed = false;
    const real = runtime.deps.store;
    const store: Store = {
      ...real,
      posts: {
        get: (w, p) => real.posts.get(w, p),
        create: (p) => real.posts.create(p),
        update: (n, v) => real.posts.update(n, v),
        transition: (n, f, v) => real.posts.transition(n, f, v),
        queryDue: (sh, u, c, l) => real.posts.queryDue(sh, u, c, l),
        listFailedByConnection: async (c, cursor, limit) => {
          const page = await real.posts.listFailedByConnection(c, cursor, limit);
          if (!crossed) {
            crossed = true;
            expect(page.items).toHaveLength(0);
            expect((await publishPost(runtime.deps, { workspaceId: ws, postId, attemptKey: 'scheduled', retry: false })).outcome).toBe('failed_waiting_for_reconnect');
            await owner.call('POST', '/local/drain');
          }
          return page;
        },
      },
    };
    await notifyOwners({ ...runtime.deps, store }, 'connection.expired', expired.detail);
    await owner.call('POST', '/local/drain');

    expect(crossed).toBe(true);
    const emails = await outbox();
    expect(emails.filter(isExpiryEmail)).toHaveLength(1);
    const failedPostsEmails = emails.filter(isFailedPostsEmail);
    expect(failedPostsEmails).toHaveLength(1);
    expect(failedPostsEmails[0]!.text).toContain('Macarons for the weekend');
    // Delivered again (at-least-once): nothing more.
    await notifyOwners(runtime.deps, 'connection.expired', expired.detail);
    expect(await outbox()).toHaveLength(2);
  });
});
