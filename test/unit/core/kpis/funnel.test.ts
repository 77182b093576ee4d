import type { PipelineEvent } from '../../../../layers/core/contract/pipeline-event';
import { countDeliveryStatus, parseDeliveryStatus } from '../../../../layers/core/kpis/delivery-status';
import { attributeTouches } from '../../../../layers/core/kpis/attribute-touches';
import { cellOf, countDecision, countGiveBack } from '../../../../layers/core/kpis/funnel';
import { funnelRows, localDayOf, ratesOf } from '../../../../layers/core/kpis/kpi-report';
import type { DecisionRecord } from '../../../../layers/core/messaging/ledger';
import { InMemoryKpiStore } from '../../../helpers/in-memory-kpi-store';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-24T22:50:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const decision = (overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  messageId: 'm-1',
  userId: 'ann',
  campaignId: 'coupon',
  occurrence: 'e-1',
  triggeredAt: iso(0),
  decidedAt: iso(0),
  status: 'sending',
  channel: 'push',
  variant: 'default',
  sendAt: iso(0),
  ...overrides,
});
const purchase = (at: number, orderId: string, total = 20, extra: Record<string, unknown> = {}, userId = 'ann') => ({
  profileKey: userId,
  event: { type: 'purchase', insertId: `p-${orderId}`, userId, timestamp: iso(at), properties: { orderId, currency: 'GBP', items: [{ productId: 'p', quantity: 2, price: total / 2 }], ...extra } } as PipelineEvent,
});
const open = (messageId: string, at: number) => ({ profileKey: 'ann', event: { type: 'push_open', insertId: `o-${at}`, userId: 'ann', timestamp: iso(at), properties: { messageId } } as PipelineEvent });
const FACTS = { attributionWindowMs: 24 * HOUR, coupon: 'SAVE10' };

describe('the campaign funnel', () => {
  it('counts a send as triggered and sent in its quarter-hour cell, and an SMS by destination country', () => {
    expect(countDecision(decision(), FACTS)?.increment).toEqual({ cell: { campaignId: 'coupon', day: '2026-11-24', slot: '22:45', channel: 'push', variant: 'default' }, add: { triggered: 1, sent: 1 } });
    expect(countDecision(decision({ channel: 'sms', destinationCountry: 'GB' }), FACTS)?.increment.add).toEqual({ triggered: 1, sent: 1, 'smsSent:GB': 1 });
  });

  it('counts a suppression by reason, a holdout as held with a touch, and nothing for a deferral', () => {
    const suppressed = countDecision(decision({ status: 'suppressed', reason: 'FREQUENCY_CAP_PUSH', sendAt: undefined, channel: undefined, variant: undefined }));
    const held = countDecision(decision({ status: 'suppressed', reason: 'HOLDOUT', sendAt: undefined }), FACTS);

    expect(suppressed).toEqual({ increment: { cell: expect.objectContaining({ channel: '-', variant: '-' }), add: { triggered: 1, 'suppressed:FREQUENCY_CAP_PUSH': 1 } } });
    expect(held?.increment.add).toEqual({ triggered: 1, held: 1 });
    expect(held?.touch).toMatchObject({ held: true, channel: 'push', attributionWindowMs: 24 * HOUR });
    expect(countDecision(decision({ status: 'deferred', reason: 'QUIET_HOURS' }))).toBeUndefined();
  });

  it('moves a given-back send to its suppression, or out of the funnel until the retry decides it again', () => {
    expect(countGiveBack(decision({ status: 'suppressed', reason: 'ENDPOINT_DISABLED' })).add).toEqual({ sent: -1, 'suppressed:ENDPOINT_DISABLED': 1 });
    expect(countGiveBack(decision({ status: 'failed', channel: 'sms', destinationCountry: 'US' })).add).toEqual({ sent: -1, 'smsSent:US': -1, triggered: -1 });
  });

  it('attributes an open once, every order within the window once, and converts once', async () => {
    // Prepare
    const store = new InMemoryKpiStore();
    store.decide(decision(), FACTS);
    const events = [open('m-1', HOUR), open('m-1', 2 * HOUR), purchase(3 * HOUR, 'o-1', 20, { couponCode: 'SAVE10' }), purchase(5 * HOUR, 'o-2', 30), purchase(25 * HOUR, 'late')];

    // Act
    const first = await attributeTouches(events, store);
    const replay = await attributeTouches(events, store);

    // Assess
    expect(first).toMatchObject({ opened: 1, converted: 1, orders: 2 });
    expect(replay).toMatchObject({ opened: 0, converted: 0, orders: 0 });
    const [row] = funnelRows(store.rows(), { from: '2026-11-24', to: '2026-11-26', timeZone: 'UTC' });
    expect(row!.totals).toMatchObject({ triggered: 1, sent: 1, opened: 1, converted: 1, orders: 2, couponsRedeemed: 1, revenue: { GBP: 50 }, revenueSq: { GBP: 2500 } });
    expect(ratesOf(row!.totals, 'GBP')).toMatchObject({ ctr: 1, conversionRate: 1, averageOrderValue: 25 });
  });

  it('counts an in-app message\'s first impression and first click, whose ratio is the in-app CTR', async () => {
    // Prepare: two in-app messages; one is seen twice and clicked, the other only seen
    const store = new InMemoryKpiStore();
    store.decide(decision({ messageId: 'm-1', channel: 'in-app' }), FACTS);
    store.decide(decision({ messageId: 'm-2', channel: 'in-app' }), FACTS);
    const inApp = (type: string, messageId: string, at: number) => ({ profileKey: 'ann', event: { type, insertId: `${type}-${messageId}-${at}`, userId: 'ann', timestamp: iso(at), properties: { messageId } } as PipelineEvent });
    const events = [inApp('in_app_impression', 'm-1', HOUR), inApp('in_app_impression', 'm-1', 2 * HOUR), inApp('in_app_click', 'm-1', 2 * HOUR), inApp('in_app_impression', 'm-2', 3 * HOUR)];

    // Act
    const first = await attributeTouches(events, store);
    const replay = await attributeTouches(events, store);

    // Assess
    expect(first).toMatchObject({ impressions: 2, opened: 1 });
    expect(replay).toMatchObject({ impressions: 0, opened: 0 });
    const [row] = funnelRows(store.rows(), { from: '2026-11-24', to: '2026-11-26', timeZone: 'UTC', by: ['channel'] });
    expect(row).toMatchObject({ channel: 'in-app', totals: { sent: 2, impressions: 2, opened: 1 } });
    expect(ratesOf(row!.totals, 'GBP')).toMatchObject({ impressionCtr: 0.5, ctr: 0.5 });
  });

  it('keeps purchases of held users in their own counters, and ignores purchases before a touch', async () => {
    // Prepare
    const store = new InMemoryKpiStore();
    store.decide(decision({ status: 'suppressed', reason: 'HOLDOUT', sendAt: undefined }), FACTS);

    // Act
    const result = await attributeTouches([purchase(-HOUR, 'before'), purchase(HOUR, 'o-1', 12.5)], store);

    // Assess
    expect(result).toMatchObject({ converted: 0, orders: 0 });
    const [row] = funnelRows(store.rows(), { from: '2026-11-24', to: '2026-11-25', timeZone: 'UTC' });
    expect(row!.totals).toMatchObject({ held: 1, sent: 0, converted: 0, heldConverted: 1, heldOrders: 1, heldRevenue: { GBP: 12.5 } });
  });

  it('reports a cell in the local day of any time zone, quarter-hour offsets included', () => {
    const cell = cellOf('c', '2026-11-24T22:50:00Z');
    expect(localDayOf(cell, 'UTC')).toBe('2026-11-24');
    expect(localDayOf(cell, 'Asia/Kathmandu')).toBe('2026-11-25');
    expect(localDayOf(cell, 'America/New_York')).toBe('2026-11-24');
  });
});

describe('SNS delivery status', () => {
  const sent = { providerMessageId: 'sns-1', campaignId: 'coupon', channel: 'sms', variant: 'default', at: '2026-11-24T22:50:00.000Z' };

  it('reads SNS delivery status log lines, success and failure, and nothing else', () => {
    const line = (status: string) => JSON.stringify({ notification: { messageId: 'sns-1', timestamp: '2026-11-24 22:50:01.123' }, delivery: { destination: '+4477…', providerResponse: 'ok' }, status });
    expect(parseDeliveryStatus(line('SUCCESS'))).toEqual({ providerMessageId: 'sns-1', delivered: true });
    expect(parseDeliveryStatus(line('FAILURE'))).toEqual({ providerMessageId: 'sns-1', delivered: false });
    expect(parseDeliveryStatus(line('PENDING'))).toBeUndefined();
    expect(parseDeliveryStatus('START RequestId: 1')).toBeUndefined();
  });

  it('counts a status in the cell the message was sent in', () => {
    expect(countDeliveryStatus(sent, { providerMessageId: 'sns-1', delivered: true })).toEqual({ cell: { campaignId: 'coupon', day: '2026-11-24', slot: '22:45', channel: 'sms', variant: 'default' }, add: { delivered: 1 } });
    expect(countDeliveryStatus(sent, { providerMessageId: 'sns-1', delivered: false }).add).toEqual({ deliveryFailed: 1 });
  });
});
