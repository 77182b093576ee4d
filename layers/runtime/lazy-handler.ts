import type { Context } from 'aws-lambda';

export type AsyncHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/**
 * Builds the real handler on the first invocation and reuses it for the container's life. Importing a
 * handler module has no side effects, so the local stack and tests can import it and call its factory
 * with an environment of their own.
 */
export const lazyHandler = <Event, Result>(build: () => AsyncHandler<Event, Result>): AsyncHandler<Event, Result> => {
  let instance: AsyncHandler<Event, Result> | undefined;
  return (event, context) => {
    instance ??= build();
    return instance(event, context);
  };
};
