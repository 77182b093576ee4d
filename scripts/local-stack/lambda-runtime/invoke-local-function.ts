import { createLambdaContext } from './lambda-context';
import { LambdaTimeoutError, type InvocationIdentity, type LocalFunction } from './local-function';

/**
 * Invokes a handler in this process with a fresh context. Past the function's timeout the call
 * rejects with {@link LambdaTimeoutError}, as Lambda would end it; the handler itself cannot be
 * stopped in-process and runs on, but its result is ignored.
 */
export const invokeLocalFunction = async <TEvent, TResult>(fn: LocalFunction<TEvent, TResult>, event: TEvent, identity: InvocationIdentity): Promise<TResult> => {
  const context = createLambdaContext(fn as LocalFunction<unknown, unknown>, identity);
  const timeoutSeconds = fn.timeoutSeconds ?? 3;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(fn.name, timeoutSeconds)), timeoutSeconds * 1_000);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn.handler(event, context)), timeout]);
  } finally {
    clearTimeout(timer);
  }
};
