/**
 * `Promise.withResolvers` (Node 22+) for Node 20, which aws-local-stepfunctions 3 calls in its Task
 * states: without it every Task fails with a TypeError that a Catch then swallows, silently. Lambda
 * runs Node 24, so only the local tests need it.
 */
type Resolvers<T> = { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };

const promiseConstructor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
promiseConstructor.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export {};
