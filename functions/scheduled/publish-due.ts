import type { Context } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Deps } from '../../shared/use-cases/deps.js';
import { enqueueDuePosts } from '../../shared/use-cases/posts.js';
import { lazyHandler, logger, metrics } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyQueueSender } from '../lib/aws/senders.js';

/** Every minute (Scheduler): scheduled posts whose time has come go onto the publish queue. */
export function createPublishDueHandler(deps: Deps) {
  return middy<unknown, { enqueued: number }, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => enqueueDuePosts(deps));
}

export const handler = lazyHandler(createPublishDueHandler, awsDeps('publishDue', { queues: lazyQueueSender }));
