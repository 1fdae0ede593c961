import type { Context } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Deps } from '../../shared/use-cases/deps.js';
import { reconcileStrandedWork, type ReconcileSummary } from '../../shared/use-cases/reconcile.js';
import { lazyHandler, logger } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyQueueSender } from '../lib/aws/senders.js';

/** Every few minutes (Scheduler): repairs what a lost message stranded (failed posts of working connections, lapsed claims, open alerts). */
export function createReconcileHandler(deps: Deps) {
  return middy<unknown, ReconcileSummary, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => reconcileStrandedWork(deps));
}

export const handler = lazyHandler(createReconcileHandler, awsDeps('reconcile', { queues: lazyQueueSender }));
