import type { Context } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Deps } from '../../shared/use-cases/deps.js';
import { findConnectionsDueForCheck } from '../../shared/use-cases/scan.js';
import { lazyHandler, logger, metrics } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { sqsQueueSender } from '../lib/aws/sqs.js';

/** The daily scan (EventBridge Scheduler): reads the due index, fans connection batches out to workers. */
export function createExpiryScanHandler(deps: Deps) {
  return middy<unknown, { runId: string; itemsRead: number; enqueued: number }, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const run = await findConnectionsDueForCheck(deps);
      deps.log.info('expiry scan enqueued', { ...run });
      return run;
    });
}

export const handler = lazyHandler(createExpiryScanHandler, awsDeps('expiryScan', { queues: sqsQueueSender }));
