import type { Context } from 'aws-lambda';
import { createLambdaContext } from '../../scripts/local-stack/lambda-runtime';

/** A Lambda context as the local runtime builds it, for invoking a handler directly in a test. */
export const lambdaContextFactory = (functionName = 'test-function', timeoutSeconds = 30): Context =>
  createLambdaContext({ name: functionName, handler: async () => undefined, timeoutSeconds }, { region: 'us-east-1', accountId: '000000000000' });
