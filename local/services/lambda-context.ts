import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

const REGION = 'us-east-1';

/**
 * The Lambda context every local invocation gets (HTTP, queue and scheduled handlers alike): the
 * function's name and ARN, its remaining time from its timeout, Lambda's default
 * `callbackWaitsForEmptyEventLoop`, and the callback-style completions refused, since every handler
 * here returns a promise.
 */
export function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
