import { postEvents } from '../helpers/post-events';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { TEST_YEAR } from '../helpers/test-calendar';

const T0 = Date.parse(`${TEST_YEAR}-11-24T10:00:00.000Z`);
const DAY = 86_400_000;
const ENDPOINT = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/newbie';
const HOME = Array.from({ length: 10 }, (_, i) => `HOME-${i}`);
const GARDEN = Array.from({ length: 10 }, (_, i) => `GARDEN-${i}`);

/**
 * Recommendations end to end in the local stack: events archived by process-events through the local Firehose endpoint into the
 * Models bucket (s3rver), the RetrainModel state machine executed from the template (gate → train →
 * evaluate → promote), and deliver's related-products push filled by the model it promoted.
 */
describe('the retrained model in the related-products push, through the local stack', () => {
  let stack: LocalStack;
  let now = T0;
  let ids = 0;
  const lines: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: (line) => lines.push(line), clock: () => new Date(now), pollIntervalMs: 50 });
  });
  afterAll(() => stack?.stop());

  const post = (events: object[]) => postEvents(stack, events);
  const purchase = (userId: string, at: number, productIds: readonly string[]) => ({
    type: 'purchase',
    insertId: `rec-e2e-${String(++ids).padStart(5, '0')}`,
    userId,
    timestamp: new Date(at).toISOString(),
    properties: { orderId: `o-${ids}`, currency: 'GBP', items: productIds.map((productId) => ({ productId, quantity: 1, price: 3 })) },
  });

  it('trains on the archive, promotes the model, and recommends what goes with the purchase', async () => {
    // Prepare: 100 shoppers three days ago, half buying home goods together, half garden goods
    const history = Array.from({ length: 100 }, (_, i) => purchase(`shopper-${i}`, T0 - 3 * DAY, i % 2 === 0 ? HOME : GARDEN));
    // Tracking is opt-in: each shopper granted it before buying (their orders would not be kept otherwise).
    const grants = history.map(({ userId }) => ({ type: 'consent', insertId: `rec-e2e-grant-${userId}`, userId, timestamp: new Date(T0 - 4 * DAY).toISOString(), properties: { purposes: { tracking: true }, source: 'consent-banner' } }));
    await post([...grants, ...history]);

    // Act: the nightly retraining, then a new customer buys one home item and a day passes
    const retraining = (await stack.retrainModel()) as { gate: { run: boolean; newInteractions: number }; results: { promotion: { promoted: boolean } }[] };
    await post([
      { type: 'identify', insertId: 'rec-e2e-identify', userId: 'newbie', timestamp: new Date(now).toISOString(), properties: { timeZone: 'Europe/London', pushEndpointArn: ENDPOINT, consent: { tracking: true, push: true } } },
      purchase('newbie', now, ['HOME-0']),
    ]);
    now = T0 + DAY + 60_000;
    await stack.sweepTimers();
    await stack.settle();

    // Assess: 1,000 archived interactions passed the gate, the model was promoted...
    expect(retraining.gate).toMatchObject({ run: true, newInteractions: 1000 });
    expect(retraining.results[0]!.promotion.promoted).toBe(true);
    expect(lines.join('\n')).toMatch(/RetrainModelSchedule: model promoted/);
    // ...and the push a day later recommends other home items, not the popular list or garden items
    const pushes = stack.emulators.directPublishes.list().filter((p) => p.targetArn === ENDPOINT);
    expect(pushes).toHaveLength(1);
    const body = JSON.parse(pushes[0]!.message).default as string;
    const recommended = body.match(/HOME-\d|GARDEN-\d/g) ?? [];
    expect(recommended).toHaveLength(3);
    expect(recommended.every((item) => item.startsWith('HOME-') && item !== 'HOME-0')).toBe(true);
  });
});
