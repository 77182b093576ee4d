import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createSweepTimersHandler } from '../../../functions/campaigns/sweep-timers.handler';
import { DynamoTimerStore } from '../../../layers/adapters/dynamo-timer-store';
import type { Intent } from '../../../layers/core/messaging/intent';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { lambdaContextFactory } from '../../helpers/lambda-context';
import { DAY, MINUTE, timerFactory } from '../../helpers/trigger-factories';
import { TEST_YEAR } from '../../helpers/test-calendar';

const ARMED = `${TEST_YEAR}-11-22T10:00:00.000Z`;
const SWEEP_AT = new Date(Date.parse(ARMED) + 3 * DAY + MINUTE);
const clock = () => SWEEP_AT;

/** The sweep handler in-process, with real SDK clients against DynamoDB Local and the SQS emulator. */
describeWithAws('sweep-timers handler against DynamoDB and SQS', () => {
  let target: AwsTarget;
  let env: Record<string, string>;
  let timers: DynamoTimerStore;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'sweep-');
    env = { TIMERS_TABLE_NAME: resourceOf(stack, 'Timers').name, INTENTS_QUEUE_URL: resourceOf(stack, 'Intents').url! };
    timers = new DynamoTimerStore(target.clients.document, env.TIMERS_TABLE_NAME!);
  });
  afterAll(() => target?.stop());

  /** Every intent on the queue, removed from it. */
  const drain = async (): Promise<Intent[]> => {
    const intents: Intent[] = [];
    for (;;) {
      const { Messages = [] } = await target.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.INTENTS_QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (Messages.length === 0) return intents;
      intents.push(...Messages.map((m) => JSON.parse(m.Body!) as Intent));
      await target.clients.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: env.INTENTS_QUEUE_URL, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
      );
    }
  };

  /** A document client whose first `failures` DeleteItem calls fail: a sweep that crashes after enqueueing. */
  const crashingOnComplete = (failures: number): DynamoDBDocumentClient =>
    new Proxy(target.clients.document, {
      get(client, property, receiver) {
        if (property !== 'send') return Reflect.get(client, property, receiver);
        return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
          if (command instanceof DeleteCommand && failures-- > 0) throw new Error('crashed before completing');
          return client.send(command as DeleteCommand);
        };
      },
    });

  it('enqueues the intent of each due timer and removes it; the next sweep finds nothing', async () => {
    // Prepare
    const due = ['ann', 'ben', 'cat'].map((userId) => timerFactory({ userId, armedAt: ARMED }));
    const later = timerFactory({ userId: 'dan', armedAt: ARMED, dueInMs: 4 * DAY });
    await timers.apply([...due, later].map((timer) => ({ op: 'arm', timer })));
    const sweep = createSweepTimersHandler(env, { dynamo: target.clients.document, sqs: target.clients.sqs, clock });

    // Act
    const first = await sweep({}, lambdaContextFactory('sweep-timers'));
    const second = await sweep({}, lambdaContextFactory('sweep-timers'));

    // Assess
    expect(first).toEqual({ fired: 3, notCompleted: 0, pages: 1, oldestDueLagMs: MINUTE, truncated: false });
    expect(second).toMatchObject({ fired: 0, pages: 1 });
    expect((await drain()).map((i) => i.messageId).sort()).toEqual(due.map((t) => t.intent.messageId).sort());
    expect(await timers.due(new Date(Date.parse(ARMED) + 5 * DAY), 10)).toEqual([later]);
    await timers.complete(later);
  });

  it('gives one message id per timer when two sweeps run at once and one crashes midway', async () => {
    // Prepare
    const due = Array.from({ length: 12 }, (_, i) => timerFactory({ userId: `user-${i}`, armedAt: ARMED }));
    await timers.apply(due.map((timer) => ({ op: 'arm', timer })));
    const crashing = createSweepTimersHandler(env, { dynamo: crashingOnComplete(3), sqs: target.clients.sqs, clock });
    const healthy = createSweepTimersHandler(env, { dynamo: target.clients.document, sqs: target.clients.sqs, clock });

    // Act
    const concurrent = await Promise.allSettled([crashing({}, lambdaContextFactory('sweep-timers')), healthy({}, lambdaContextFactory('sweep-timers'))]);
    const next = await healthy({}, lambdaContextFactory('sweep-timers'));

    // Assess: deliver keys its decision on the message id, so duplicates of one id are one send
    const enqueued = await drain();
    const byId = new Map<string, Intent[]>();
    for (const intent of enqueued) byId.set(intent.messageId, [...(byId.get(intent.messageId) ?? []), intent]);
    expect(concurrent[0].status).toBe('rejected');
    expect([...byId.keys()].sort()).toEqual(due.map((t) => t.intent.messageId).sort());
    for (const copies of byId.values()) expect(new Set(copies.map((c) => JSON.stringify(c))).size).toBe(1);
    expect(enqueued.length).toBeGreaterThanOrEqual(due.length);
    expect(next.truncated).toBe(false);
    expect(await timers.due(SWEEP_AT, 100)).toEqual([]);
  });
});
