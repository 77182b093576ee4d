import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { InvocationIdentity, LocalFunction } from './local-function';

/**
 * A Lambda `Context` for one invocation: request id, function name/ARN, memory, log names, and a
 * `getRemainingTimeInMillis()` that counts down from the function's timeout (Powertools and the
 * handlers' own deadlines read it).
 */
export const createLambdaContext = (fn: LocalFunction<unknown, unknown>, identity: InvocationIdentity, now: () => number = Date.now): Context => {
  const timeoutMs = (fn.timeoutSeconds ?? 3) * 1_000;
  const deadline = now() + timeoutMs;
  const requestId = randomUUID();
  const unsupported = (what: string) => (): never => {
    throw new Error(`context.${what} is not supported: return or throw from an async handler`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${fn.name}`,
    memoryLimitInMB: String(fn.memorySizeMb ?? 128),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
};
