import type { Context } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Deps } from '../../shared/use-cases/deps.js';
import { sendWeeklyDigests, type DigestSummary } from '../../shared/use-cases/digest.js';
import { lazyHandler, logger, metrics } from '../lib/runtime.js';
import { awsDeps } from '../lib/aws/deps.js';
import { lazyMailer } from '../lib/aws/senders.js';

/** Weekly (Scheduler): the owners' digest; a re-run in the same ISO week sends nothing twice. */
export function createDigestHandler(deps: Deps) {
  return middy<unknown, DigestSummary, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => sendWeeklyDigests(deps));
}

export const handler = lazyHandler(createDigestHandler, awsDeps('digest', { mailer: lazyMailer }));
