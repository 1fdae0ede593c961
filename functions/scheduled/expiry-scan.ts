import type { Context } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Deps } from '../../shared/use-cases/deps.js';
import { startScanRun } from '../../shared/use-cases/scan-run.js';
import { lazyHandler, logger, metrics } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { sqsQueueSender } from '../lib/aws/sqs.js';

/** The Scheduler's input (infra/constructs/schedule.ts): the tick's scheduled time, so a retried tick is the same run. */
interface TickInput {
  scheduledAt?: unknown;
}

/** The hourly scan tick (EventBridge Scheduler): starts a run, one scan-segments message per due-index segment. */
export function createExpiryScanHandler(deps: Deps) {
  return middy<unknown, { runId: string; segments: number; started: boolean }, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const tick = event as TickInput | undefined;
      const scheduledAt = typeof tick?.scheduledAt === 'string' ? tick.scheduledAt : undefined;
      const run = await startScanRun(deps, { scheduledAt });
      deps.log.info('expiry scan tick', { ...run });
      return run;
    });
}

export const handler = lazyHandler(createExpiryScanHandler, awsDeps('expiryScan', { queues: sqsQueueSender }));
