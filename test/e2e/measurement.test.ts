import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterUpdate, DynamoKpiStore } from '../../layers/adapters/dynamo-kpi-store';
import { summarizeKpis } from '../../layers/core/kpis/campaign-summary';
import { parseCosts } from '../../layers/core/kpis/costs';
import { cellOf } from '../../layers/core/kpis/funnel';
import { funnelRows, utcDaysCovering } from '../../layers/core/kpis/kpi-report';
import { isInGlobalHoldout } from '../../layers/core/rollouts/bucketing';
import { runQueryOnDuckDb } from '../../scripts/analytics/duckdb-archive';
import { downloadAnalyticsObjects } from '../../scripts/analytics/local-archive';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { formatKpis } from '../../scripts/kpis/format-kpis';
import { drainQueue } from '../helpers/drain-queue';
import { postEvents } from '../helpers/post-events';
import { TEST_YEAR } from '../helpers/test-calendar';

/** A Tuesday, 10:00 in London (GMT in November). */
const T0 = Date.parse(`${TEST_YEAR}-11-24T10:00:00.000Z`);
const DAY0 = `${TEST_YEAR}-11-24`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOLDOUT_SHARE = 0.25;
const COSTS = '{"currency":"GBP","pushPrice":0.01,"couponValue":1,"commissionRate":0.1}';
const endpointOf = (userId: string) => `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/${userId}`;

const campaignFile = (id: string, page: string) => `
id: ${id}
name: Measured ${id}
category: marketing
trigger:
  event: { type: page_view, where: { page: { equals: ${page} } } }
content:
  - name: default
    title: A deal for you
    body: Take 10% off with {{coupon}}.
    coupon: SAVE10
channels: [push]
caps: { oncePer: 7d }
attributionWindow: 24h
goals: { conversionRate: 0.3, ctr: 0.5 }
`;

/**
 * Measurement through the whole local stack on a virtual clock: a campaign's funnel counted exactly as
 * deliver decides and process-events attributes, the holdout's lift and the ROI from those counters,
 * the daily review from its schedule, and the hourly monitor alerting on a 20% drop only.
 */
describe('campaign measurement on a virtual clock', () => {
  let stack: LocalStack;
  let now = T0;
  let insertIds = 0;
  const queues: Record<string, string> = {};
  const campaignsDir = mkdtempSync(join(tmpdir(), 'measured-campaigns-'));

  beforeAll(async () => {
    writeFileSync(join(campaignsDir, 'deal.yaml'), campaignFile('measured-deal', '/deal'));
    writeFileSync(join(campaignsDir, 'steady.yaml'), campaignFile('steady-campaign', '/never-a'));
    writeFileSync(join(campaignsDir, 'dropping.yaml'), campaignFile('dropping-campaign', '/never-b'));
    stack = await startLocalStack({
      port: 0,
      log: () => undefined,
      clock: () => new Date(now),
      pollIntervalMs: 50,
      seedCampaigns: campaignsDir,
      environment: { HOLDOUT_SHARE: String(HOLDOUT_SHARE), KPI_TIME_ZONE: 'Europe/London', KPI_COSTS: COSTS },
    });
    for (const topic of ['Alerts', 'Reviews']) {
      const { QueueUrl } = await stack.clients.sqs.send(new CreateQueueCommand({ QueueName: `test-${topic}` }));
      const { Attributes } = await stack.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await stack.clients.sns.send(new SubscribeCommand({ TopicArn: stack.stack.resources[topic]!.arn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
      queues[topic] = QueueUrl!;
    }
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(campaignsDir, { recursive: true, force: true });
  });

  const event = (userId: string, type: string, properties: Record<string, unknown> = {}, at = now) => ({
    type,
    insertId: `measure-${String(++insertIds).padStart(6, '0')}`,
    userId,
    timestamp: new Date(at).toISOString(),
    properties,
  });
  const post = (events: object[]) => postEvents(stack, events);
  const kpis = () => new DynamoKpiStore(stack.clients.dynamo, stack.stack.resources.Kpis!.name);
  const received = (topic: string) => drainQueue(stack.clients.sqs, queues[topic]!);
  const usersWhere = (held: boolean, count: number) => {
    const users: string[] = [];
    for (let n = 0; users.length < count; n++) if (isInGlobalHoldout(`shopper-${n}`, HOLDOUT_SHARE) === held) users.push(`shopper-${n}`);
    return users;
  };
  const order = (userId: string, orderId: string, total: number, extra: Record<string, unknown> = {}, at = now) =>
    event(userId, 'purchase', { orderId, currency: 'GBP', items: [{ productId: '85123A', quantity: 2, price: total / 2 }], ...extra }, at);

  it('counts the funnel exactly, and gives the lift over the holdout, the ROI and the daily review from it', async () => {
    // Prepare: 40 messaged users and 40 in the holdout view the deal page
    const messaged = usersWhere(false, 40);
    const held = usersWhere(true, 40);
    await post([...messaged, ...held].flatMap((userId) => [event(userId, 'identify', { timeZone: 'Europe/London', pushEndpointArn: endpointOf(userId), consent: { tracking: true, push: true } }), event(userId, 'page_view', { page: '/deal' })]));
    now += HOUR;

    // Act: half the messaged users open it; 16 of them buy with the coupon (one buys again), 8 held users buy
    const messageIds = await Promise.all(messaged.map(async (userId) => (await kpis().touchesOf(userId))[0]!.messageId));
    await post(messaged.slice(0, 20).map((userId, i) => event(userId, 'push_open', { messageId: messageIds[i] })));
    await post([
      ...messaged.slice(0, 16).map((userId) => order(userId, `o-${userId}`, 10, { couponCode: 'SAVE10' })),
      order(messaged[0]!, 'o-again', 20, {}, now + HOUR),
      ...held.slice(0, 8).map((userId) => order(userId, `o-${userId}`, 10)),
    ]);
    // a replayed batch changes nothing
    await post(messaged.slice(0, 4).map((userId, i) => ({ ...event(userId, 'push_open', { messageId: messageIds[i] }), insertId: `measure-replay-${i}` })));

    // Assess: the funnel as the CLI reads it, once SNS's delivery status (logged a second after each push) is in
    const deliveredBy = Date.now() + 20_000;
    const deliveredCount = async () => funnelRows(await kpis().counters('measured-deal', utcDaysCovering(DAY0, DAY0)), { from: DAY0, to: DAY0, timeZone: 'UTC' })[0]?.totals.delivered ?? 0;
    while ((await deliveredCount()) < 40 && Date.now() < deliveredBy) await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await kpis().counters('measured-deal', utcDaysCovering(DAY0, DAY0));
    const summary = summarizeKpis(rows, { from: DAY0, to: DAY0, timeZone: 'Europe/London', costs: parseCosts(COSTS) });
    const [deal] = summary.campaigns;
    expect(deal!.totals).toMatchObject({ triggered: 80, sent: 40, held: 40, delivered: 40, deliveryFailed: 0, opened: 20, converted: 16, orders: 17, couponsRedeemed: 16, revenue: { GBP: 180 }, heldConverted: 8, heldOrders: 8, heldRevenue: { GBP: 80 } });
    expect(deal!.rates).toMatchObject({ ctr: 0.5, conversionRate: 0.4, averageOrderValue: 180 / 17, holdoutConversionRate: 0.2 });
    expect(deal!.lift!.conversionLift.value).toBeCloseTo(0.2, 10);
    // Newcombe's interval for 16/40 vs 8/40: 40 a side cannot rule out no lift at 95%
    expect(deal!.lift!.conversionLift.low).toBeCloseTo(-0.001, 3);
    expect(deal!.lift!.conversionLift.high).toBeGreaterThan(0.35);
    expect(deal!.lift!.revenueLift.value).toBeCloseTo(2.5, 10);
    expect(deal!.lift!.incrementalRevenue).toBeCloseTo(100, 10);
    expect(deal!.roi.costs).toEqual({ sms: 0, push: 0.4, coupons: 16, commission: 18, total: 34.4 });
    expect(deal!.roi.roi).toBeCloseTo((180 - 34.4) / 34.4, 10);
    expect(deal!.roi.incrementalRoi).toBeCloseTo((100 * 0.9 - 16.4) / 16.4, 10);
    const table = formatKpis(summary);
    expect(table).toMatch(/measured-deal\s+80\s+40\s+40\s+0\s+40\s+20\s+50\.0%\s+0\s+-\s+16\s+40\.0%\s+17\s+180\.00\s+10\.59/);

    // Act: the next morning at 09:00 in London
    now = T0 + DAY - HOUR;
    const review = (await stack.runSchedule('DailyReviewSchedule')) as { day: string; location: string; file: string };

    // Assess: the page and the email
    expect(review.day).toBe(DAY0);
    const html = readFileSync(review.file, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toMatch(/Measured measured-deal[\s\S]*?<td>40<\/td><td>40<\/td><td>40\.0%<\/td>/);
    expect(html).toContain('class="met">30.0%');
    expect(html).toContain('lift 20.00 pp');
    const [email] = await received('Reviews');
    expect(email).toContain(`Daily review of ${DAY0} (Europe/London)`);
    expect(email).toContain('- measured-deal: sent 40, conversion 40.0% (7-day –, goal 30.0%), CTR 50.0%');

    // Act: a purchase after the 24 h window converts nothing
    now = T0 + 25 * HOUR;
    await post([order(messaged[30]!, 'o-late', 50)]);

    // Assess
    const later = summarizeKpis(await kpis().counters('measured-deal', utcDaysCovering(DAY0, DAY0)), { from: DAY0, to: `${TEST_YEAR}-11-25`, timeZone: 'Europe/London', costs: parseCosts(COSTS) });
    expect(later.campaigns[0]!.totals).toMatchObject({ converted: 16, orders: 17, revenue: { GBP: 180 } });

    // Assess: the SQL funnel over the exported raw data (DuckDB over the local archive) equals the counters
    const copy = mkdtempSync(join(tmpdir(), 'measured-sql-'));
    try {
      await downloadAnalyticsObjects(stack.clients.s3, stack.stack.resources.Models!.name, copy);
      const { rows: sql } = await runQueryOnDuckDb({ root: copy, query: 'funnel', parameters: { from: DAY0, to: `${TEST_YEAR}-11-25`, windowHours: 24 } });
      const counted = later.campaigns[0]!.totals;
      expect(sql.filter((row) => row.campaign_id === 'measured-deal')).toEqual([
        expect.objectContaining({
          day: DAY0,
          channel: 'push',
          variant: 'default',
          triggered: counted.triggered,
          sent: counted.sent,
          held: counted.held,
          opened: counted.opened,
          converted: counted.converted,
          revenue: counted.revenue.GBP,
          held_converted: counted.heldConverted,
          held_revenue: counted.heldRevenue.GBP,
        }),
      ]);
      // and retention: of the 40 messaged users one came back the next day (the late order), none of the held ones
      const { rows: retention } = await runQueryOnDuckDb({ root: copy, query: 'retention', parameters: { from: DAY0, to: DAY0, windowHours: 24 } });
      expect(retention.filter((row) => row.campaign_id === 'measured-deal')).toEqual([
        expect.objectContaining({ arm: 'holdout', users: 40, active_d1: 0 }),
        expect.objectContaining({ arm: 'messaged', users: 40, active_d1: 1 }),
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('alerts on a campaign whose conversion dropped 20% or more, once, and not on an unchanged one', async () => {
    // Prepare: 8 days of counters as the ledger writes them, 2,000 sends a day at 10% conversion; the last day's drop is to
    // 7%; the monitor judges in the first hour of the next UTC day
    now = Date.parse(`${TEST_YEAR}-11-28T00:07:00.000Z`);
    const table = stack.stack.resources.Kpis!.name;
    const writeDay = async (campaignId: string, daysAgo: number, sent: number, converted: number) => {
      const cell = cellOf(campaignId, new Date(now - daysAgo * DAY - HOUR).toISOString(), 'push', 'default');
      await stack.clients.dynamo.send(new TransactWriteCommand({ TransactItems: [counterUpdate(table, { cell, add: { triggered: sent, sent, converted, opened: sent / 2 } })] }));
    };
    for (let daysAgo = 0; daysAgo <= 7; daysAgo++) {
      await writeDay('steady-campaign', daysAgo, 2_000, 200);
      await writeDay('dropping-campaign', daysAgo, 2_000, daysAgo === 0 ? 140 : 200);
    }

    // Act
    const first = await stack.runSchedule('KpiMonitorSchedule');
    const second = await stack.runSchedule('KpiMonitorSchedule');

    // Assess
    expect(first).toEqual({ alerted: ['dropping-campaign/conversion'] });
    expect(second).toEqual({ alerted: [] });
    const alerts = await received('Alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('Campaign dropping-campaign: conversion in the 24 hours');
    expect(alerts[0]).toContain('is 7.00% (140 of 2000 sent)');
  });
});
