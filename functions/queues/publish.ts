import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { publishMessageSchema } from '../../shared/config/messages.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { publishPost, type PublishMessage } from '../../shared/use-cases/publish-post.js';
import { lazyHandler, type HandlerExtras } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyEventBus } from '../lib/aws/senders.js';
import { kmsDataKeys } from '../lib/aws/kms.js';
import { secretsManagerPlatformsOnFirstNeed } from '../lib/aws/platforms-on-first-need.js';
import { idempotencyLayer } from '../lib/aws/idempotency.js';
import { parseRecord, sqsBatchHandler } from '../lib/sqs.js';

/**
 * Publishes posts from the `publish` queue. Two guards keep a redelivered or duplicated message
 * from posting twice: Powertools idempotency keyed by post + attempt (episode), and the post's
 * conditional status write inside the use case.
 */
export function createPublishHandler(deps: Deps, extras: HandlerExtras) {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: 7 * 86_400 });
  const publishOnce = makeIdempotent(async (input: { key: string; message: PublishMessage }) => publishPost(deps, input.message), {
    persistenceStore: extras.idempotency,
    config,
  });
  return sqsBatchHandler('publish', deps, async (record, context) => {
    config.registerLambdaContext(context);
    const message = parseRecord(record, publishMessageSchema);
    return publishOnce({ key: await idempotencyKeyOf(deps, message), message });
  });
}

/**
 * A retry after a restore: post + episode. A first attempt (publish-due): post + the post's current
 * version, so a post that went back to `scheduled` after an attempt that could not finish (an outage)
 * is not answered from the cached outcome of an earlier attempt (e.g. "failed, waiting for reconnect"),
 * while duplicates of one attempt still share a key.
 */
async function idempotencyKeyOf(deps: Pick<Deps, 'store'>, message: PublishMessage): Promise<string> {
  if (message.retry) return `${message.postId}#${message.attemptKey}`;
  const post = await deps.store.posts.get(message.workspaceId, message.postId);
  return `${message.postId}#${message.attemptKey}#v${post?.version ?? 0}`;
}

export const handler = lazyHandler(createPublishHandler, awsDeps('publish', { bus: lazyEventBus, dataKeys: kmsDataKeys, platforms: secretsManagerPlatformsOnFirstNeed, idempotency: idempotencyLayer }));
