import { DynamoKpiStore } from '../../../layers/adapters/dynamo-kpi-store';
import { DynamoMessageLog } from '../../../layers/adapters/dynamo-message-log';
import type { PipelineEvent } from '../../../layers/core/contract/pipeline-event';
import { attributeTouches } from '../../../layers/core/kpis/attribute-touches';
import { behaviourOf } from '../../../layers/core/kpis/behaviour';
import { funnelRows, utcDaysCovering } from '../../../layers/core/kpis/kpi-report';
import type { DecisionRecord } from '../../../layers/core/messaging/ledger';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { TEST_YEAR } from '../../helpers/test-calendar';

const HOUR = 3_600_000;
const T0 = Date.parse(`${TEST_YEAR}-11-22T12:05:00.000Z`);
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const DAY = iso(0).slice(0, 10);
const FACTS = { attributionWindowMs: 24 * HOUR, coupon: 'SAVE10' };

const decision = (userId: string, messageId: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  messageId,
  userId,
  campaignId: 'coupon',
  occurrence: `occ-${messageId}`,
  triggeredAt: iso(0),
  decidedAt: iso(0),
  status: 'sending',
  channel: 'push',
  variant: 'default',
  sendAt: iso(0),
  ...overrides,
});
const purchase = (userId: string, orderId: string, at: number, price = 10): { profileKey: string; event: PipelineEvent } => ({
  profileKey: userId,
  event: { type: 'purchase', insertId: `p-${orderId}`, userId, timestamp: iso(at), properties: { orderId, currency: 'GBP', items: [{ productId: 'sku', quantity: 1, price }], couponCode: 'SAVE10' } },
});

/** The funnel's counters ride in the ledger's transactions and the touches' conditional writes, exactly once. */
describeWithAws('DynamoKpiStore with the ledger against DynamoDB', () => {
  let target: AwsTarget;
  let kpis: DynamoKpiStore;
  let log: DynamoMessageLog;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'kpis-');
    kpis = new DynamoKpiStore(target.clients.document, resourceOf(stack, 'Kpis').name);
    log = new DynamoMessageLog(target.clients.document, resourceOf(stack, 'Messages').name, resourceOf(stack, 'Kpis').name);
  });
  afterAll(() => target?.stop());

  const totals = async () => funnelRows(await kpis.counters('coupon', utcDaysCovering(DAY, DAY)), { from: DAY, to: DAY, timeZone: 'UTC' })[0]!.totals;

  it('counts each decision once however often it is recorded, and opens and orders once however often they are replayed', async () => {
    // Act: a send (committed twice), an SMS given back as rejected, a holdout, a suppression recorded twice
    expect(await log.commitSend(decision('ann', 'm-1'), { version: 0, sends: [] }, FACTS)).toBe('committed');
    expect(await log.commitSend(decision('ann', 'm-1'), { version: 1, sends: [] }, FACTS)).toBe('decided-before');
    await log.commitSend(decision('bob', 'm-2', { channel: 'sms', destinationCountry: 'GB' }), { version: 0, sends: [] }, FACTS);
    await log.giveBack(decision('bob', 'm-2', { channel: 'sms', destinationCountry: 'GB', status: 'suppressed', reason: 'PROVIDER_REJECTED' }), new Date(T0));
    await log.record(decision('cat', 'm-3', { status: 'suppressed', reason: 'HOLDOUT', sendAt: undefined }), FACTS);
    for (let i = 0; i < 2; i++) expect(await log.record(decision('dan', 'm-4', { status: 'suppressed', reason: 'NO_CONSENT', sendAt: undefined, channel: undefined, variant: undefined }))).toBe(i === 0 ? 'recorded' : 'decided-before');
    const outcomes = [
      { profileKey: 'ann', event: { type: 'push_open', insertId: 'o-1', userId: 'ann', timestamp: iso(HOUR), properties: { messageId: 'm-1' } } as PipelineEvent },
      purchase('ann', 'order-1', 2 * HOUR, 30),
      purchase('ann', 'order-2', 3 * HOUR, 10),
      purchase('cat', 'order-3', 2 * HOUR, 12),
      purchase('bob', 'order-4', 2 * HOUR, 99),
    ];
    const first = await attributeTouches(outcomes, kpis);
    const replay = await attributeTouches(outcomes, kpis);

    // Assess
    expect(first).toMatchObject({ opened: 1, converted: 1, orders: 2 });
    expect(replay).toMatchObject({ opened: 0, converted: 0, orders: 0 });
    expect(await totals()).toMatchObject({
      triggered: 4,
      sent: 1,
      held: 1,
      suppressed: { PROVIDER_REJECTED: 1, NO_CONSENT: 1 },
      smsSent: { GB: 0 },
      opened: 1,
      converted: 1,
      orders: 2,
      couponsRedeemed: 2,
      revenue: { GBP: 40 },
      revenueSq: { GBP: 1600 },
      heldConverted: 1,
      heldOrders: 1,
      heldRevenue: { GBP: 12 },
    });
    expect(await kpis.touchesOf('bob')).toEqual([]);
  });

  it('counts SNS delivery status once, in the sent message’s cell, and skips messages it did not send', async () => {
    // Prepare: deliver confirmed a send the provider took
    await log.commitSend(decision('eve', 'm-5'), { version: 0, sends: [] }, FACTS);
    await log.confirm('eve', 'm-5', { status: 'sent', providerMessageId: 'sns-5', at: new Date(T0) }, { providerMessageId: 'sns-5', campaignId: 'coupon', channel: 'push', variant: 'default', at: iso(0) });

    // Act
    const outcomes = [
      await kpis.recordDeliveryStatus({ providerMessageId: 'sns-5', delivered: true }),
      await kpis.recordDeliveryStatus({ providerMessageId: 'sns-5', delivered: true }),
      await kpis.recordDeliveryStatus({ providerMessageId: 'someone-else', delivered: true }),
    ];

    // Assess
    expect(outcomes).toEqual(['counted', 'seen-before', 'unknown']);
    expect(await totals()).toMatchObject({ delivered: 1, deliveryFailed: 0 });
  });

  it('claims one alert per campaign, rate and day', async () => {
    expect(await kpis.claimAlert('coupon', 'conversion', DAY)).toBe(true);
    expect(await kpis.claimAlert('coupon', 'conversion', DAY)).toBe(false);
    expect(await kpis.claimAlert('coupon', 'ctr', DAY)).toBe(true);
  });

  it('keeps behaviour counters and feedback by day, feedback idempotently', async () => {
    // Prepare
    const events = [
      { type: 'app_open', insertId: 'a-1', userId: 'ann', timestamp: iso(0), receivedAt: iso(0) },
      { type: 'product_view', insertId: 'v-1', userId: 'ann', timestamp: iso(0), receivedAt: iso(0), properties: { productId: 'sku', dwellMs: 4000 } },
      { type: 'feedback', insertId: 'f-1', userId: 'ann', timestamp: iso(0), receivedAt: iso(0), properties: { rating: 1, text: 'terrible delivery', placement: 'order-confirmation' } },
    ] as const;
    const { increments, feedback } = behaviourOf(events as never);

    // Act
    await kpis.recordBehaviour(increments, feedback);
    await kpis.recordBehaviour([], feedback);

    // Assess
    const [cell] = await kpis.behaviour([DAY]);
    expect(cell).toMatchObject({ day: DAY, slot: '12:00', add: { sessions: 1, productViews: 1, dwellMs: 4000, dwellViews: 1, feedback: 1, 'feedback:negative': 1 } });
    expect(await kpis.feedback([DAY])).toEqual([expect.objectContaining({ insertId: 'f-1', rating: 1, sentiment: 'negative', placement: 'order-confirmation' })]);
  });
});
