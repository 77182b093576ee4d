import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../scripts/local-stack/local-stack';

/** The push endpoint the e2e tests give a user: its publishes are found by it. */
export const endpointOf = (userId: string): string => `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/${userId}`;

/**
 * The local stack on a virtual clock the test moves, with what the end-to-end tests do with it: post
 * events through the API, move the clock and run the every-minute sweep, read a user's pushes.
 */
export const virtualClockStack = (start: number, options: Omit<LocalStackOptions, 'clock' | 'port' | 'log'> = {}) => {
  let now = start;
  let insertIds = 0;
  let stack: LocalStack | undefined;
  const harness = {
    get stack(): LocalStack {
      if (!stack) throw new Error('the stack is not started: call harness.start() in beforeAll');
      return stack;
    },
    now: () => now,
    setNow: (ms: number) => void (now = ms),
    start: async () => {
      stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => new Date(now), pollIntervalMs: 50, ...options });
      return stack;
    },
    stop: async () => stack?.stop(),
    /** Moves the clock, then runs the sweep once, as Scheduler would at that minute. */
    at: async (ms: number) => {
      now = ms;
      await harness.stack.sweepTimers();
      await harness.stack.settle();
    },
    /** An event at the clock's time (plus an offset), with a fresh insertId. */
    event: (ids: { userId?: string; anonymousId?: string }, type: string, properties: Record<string, unknown> = {}, offsetMs = 0) => ({
      type,
      insertId: `e2e-${String(++insertIds).padStart(5, '0')}`,
      ...ids,
      timestamp: new Date(now + offsetMs).toISOString(),
      properties,
    }),
    /** POST /v1/events with the write key; waits until the stack has processed what it accepted. */
    post: async (...events: object[]) => {
      const response = await fetch(`${harness.stack.url}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'x-api-key': harness.stack.apiKey },
        body: JSON.stringify({ events }),
      });
      const body = (await response.json()) as { accepted: number; rejected: { index: number; errors: { path: string; code: string }[] }[] };
      await harness.stack.settle();
      return { status: response.status, ...body };
    },
    /** The default text of every push published to the user's endpoint, oldest first. */
    pushesTo: (userId: string): string[] =>
      harness.stack.emulators.directPublishes.list().filter((p) => p.targetArn === endpointOf(userId)).map((p) => JSON.parse(p.message).default as string),
  };
  return harness;
};
