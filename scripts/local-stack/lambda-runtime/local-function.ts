import type { Context } from 'aws-lambda';

/** A Lambda handler as the local stack calls it (a middy handler fits: its callback is optional). */
export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/** A handler plus the function settings its invocation context reflects. */
export interface LocalFunction<TEvent, TResult> {
  /** The function name (`context.functionName`). */
  readonly name: string;
  readonly handler: LambdaHandler<TEvent, TResult>;
  /** After this the invocation counts as timed out, as Lambda would end it. @default 3 */
  readonly timeoutSeconds?: number;
  /** @default 128 */
  readonly memorySizeMb?: number;
}

/** Region and account of the invoked function's ARN. */
export interface InvocationIdentity {
  readonly region: string;
  readonly accountId: string;
}

/** The error Lambda reports when a function runs past its timeout. */
export class LambdaTimeoutError extends Error {
  override readonly name = 'LambdaTimeoutError';
  constructor(readonly functionName: string, readonly timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds (${functionName})`);
  }
}
