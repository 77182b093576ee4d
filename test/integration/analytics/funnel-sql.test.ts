import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runQueryOnDuckDb } from '../../../scripts/analytics/duckdb-archive';
import { TEST_YEAR } from '../../helpers/test-calendar';

/** `YYYY-12-DD` of the test calendar, and an ISO time that day. */
const day = (dd: number) => `${TEST_YEAR}-12-${String(dd).padStart(2, '0')}`;
const at = (dd: number, time: string) => `${day(dd)}T${time}Z`;

/**
 * Writes records as Kinesis Data Firehose does: one gzip object of newline-delimited JSON under
 * `<prefix>YYYY/MM/DD/HH/`, named for the delivery stream and the hour of delivery.
 */
const deliver = (root: string, prefix: string, deliveredAt: string, records: readonly object[]) => {
  const [date, time] = [deliveredAt.slice(0, 10), deliveredAt.slice(11, 19)];
  const dir = join(root, prefix, date.replaceAll('-', '/'), time.slice(0, 2));
  mkdirSync(dir, { recursive: true });
  const name = `Stream-1-${date}-${time.replaceAll(':', '-')}-${Math.random().toString(16).slice(2)}.gz`;
  writeFileSync(join(dir, name), gzipSync(records.map((record) => JSON.stringify(record)).join('\n') + '\n'));
};

let insertIds = 0;
const event = (type: string, userId: string, timestamp: string, properties?: object) => ({
  type,
  insertId: `evt-${++insertIds}`,
  userId,
  timestamp,
  receivedAt: timestamp,
  ...(properties && { properties }),
});
const purchase = (userId: string, timestamp: string, items: { price: number; quantity: number }[]) =>
  event('purchase', userId, timestamp, { orderId: `o-${insertIds + 1}`, currency: 'EUR', items: items.map((item, i) => ({ productId: `p-${i}`, ...item })) });

const decision = (messageId: string, userId: string, channel: string, decidedAt: string | undefined, outcome: object) => ({
  messageId,
  userId,
  campaignId: 'winback',
  channel,
  at: decidedAt ?? at(1, '09:00:00'),
  ...(decidedAt && { decidedAt }),
  ...outcome,
});

describe('funnel.sql on DuckDB over archive and decisions files laid out like Firehose', () => {
  let root: string;

  beforeAll(() => {
    // Prepare
    root = mkdtempSync(join(tmpdir(), 'analytics-'));
    const sendA = { status: 'sent', providerMessageId: 'sns-1', variant: 'A' };
    const m1 = decision('m1', 'u1', 'push', at(1, '10:00:00'), sendA);
    deliver(root, 'decisions/', at(1, '10:05:00'), [
      m1,
      m1, // delivered twice by SNS: one decision
      decision('m2', 'u2', 'push', at(1, '10:30:00'), { status: 'sent', providerMessageId: 'sns-2', variant: 'B' }),
      decision('m3', 'u3', 'push', at(1, '11:00:00'), { status: 'suppressed', reason: 'HOLDOUT', detail: 'would have been sent by push' }),
      decision('m4', 'u4', 'push', at(1, '11:00:00'), { status: 'suppressed', reason: 'NO_CONSENT' }),
      // No decidedAt (published before the field existed): the publish time is the decision's.
      { ...decision('m5', 'u5', 'push', undefined, { status: 'suppressed', reason: 'FREQUENCY_CAP_PUSH' }), at: at(1, '11:30:00') },
      decision('m6', 'u6', 'push', at(1, '23:00:00'), { status: 'deferred', reason: 'QUIET_HOURS', until: at(2, '08:00:00') }),
      decision('m7', 'u7', 'sms', at(1, '12:00:00'), { status: 'unconfirmed', variant: 'A' }),
    ]);
    // The deferred message is decided the next morning: counted then, once.
    deliver(root, 'decisions/', at(2, '08:01:00'), [decision('m6', 'u6', 'push', at(2, '08:00:00'), sendA)]);

    const p1 = purchase('u1', at(2, '09:00:00'), [{ price: 10, quantity: 2 }, { price: 5, quantity: 1 }]);
    deliver(root, 'archive/', at(1, '13:00:00'), [
      purchase('u1', at(1, '09:00:00'), [{ price: 99, quantity: 1 }]), // before the send: not attributed
      event('push_open', 'u1', at(1, '11:00:00'), { messageId: 'm1' }),
      event('push_open', 'u1', at(1, '12:00:00'), { messageId: 'm1' }), // a second open of the same message
      event('sms_click', 'u7', at(1, '12:30:00'), { messageId: 'm7' }),
      purchase('u7', at(1, '12:45:00'), [{ price: 12.5, quantity: 1 }]),
      event('app_open', 'u1', at(1, '08:00:00')),
      event('app_open', 'u2', at(1, '09:00:00')),
      event('product_view', 'u1', at(1, '08:01:00'), { productId: 'p-1', dwellMs: 3000 }),
      event('product_view', 'u1', at(1, '08:02:00'), { productId: 'p-2', dwellMs: 5000 }),
      event('add_to_cart', 'u1', at(1, '08:03:00'), { productId: 'p-2', quantity: 1, price: 5 }),
    ]);
    deliver(root, 'archive/', at(2, '10:00:00'), [
      p1,
      purchase('u3', at(2, '09:30:00'), [{ price: 30, quantity: 1 }]), // the holdout user buys anyway
    ]);
    deliver(root, 'archive/', at(2, '10:10:00'), [p1]); // the same event archived twice (a retried batch)
    // Archived two days late (an app flushing offline events): still the day it happened.
    deliver(root, 'archive/', at(5, '09:00:00'), [purchase('u1', at(3, '09:00:00'), [{ price: 40, quantity: 1 }])]);
    // After m1's window (day 1 10:00 + 72 h): not attributed.
    deliver(root, 'archive/', at(4, '11:00:00'), [purchase('u1', at(4, '10:30:00'), [{ price: 7, quantity: 1 }])]);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('counts each number on its own day: decisions, first opens, first conversions, revenue per purchase', async () => {
    // Act
    const result = await runQueryOnDuckDb({ root, query: 'funnel', parameters: { from: day(1), to: day(7), windowHours: 72 } });

    // Assess
    const zero = { triggered: 0, sent: 0, held: 0, suppressed: 0, suppressed_by_reason: '', opened: 0, converted: 0, revenue: 0, held_converted: 0, held_revenue: 0 };
    expect(result.rows).toEqual([
      { ...zero, day: day(1), campaign_id: 'winback', channel: 'push', variant: '-', triggered: 3, held: 1, suppressed: 2, suppressed_by_reason: 'FREQUENCY_CAP_PUSH:1, NO_CONSENT:1' },
      { ...zero, day: day(1), campaign_id: 'winback', channel: 'push', variant: 'A', triggered: 1, sent: 1, opened: 1 },
      { ...zero, day: day(1), campaign_id: 'winback', channel: 'push', variant: 'B', triggered: 1, sent: 1 },
      { ...zero, day: day(1), campaign_id: 'winback', channel: 'sms', variant: 'A', triggered: 1, sent: 1, opened: 1, converted: 1, revenue: 12.5 },
      { ...zero, day: day(2), campaign_id: 'winback', channel: 'push', variant: '-', held_converted: 1, held_revenue: 30 },
      { ...zero, day: day(2), campaign_id: 'winback', channel: 'push', variant: 'A', triggered: 1, sent: 1, converted: 1, revenue: 25 },
      { ...zero, day: day(3), campaign_id: 'winback', channel: 'push', variant: 'A', revenue: 40 },
    ]);
  });

  it('takes the attribution window as a parameter', async () => {
    // Act: with 4 days, the day-4 purchase is within m1's window and m6's (day 2 08:00 + 96 h) does not matter
    const result = await runQueryOnDuckDb({ root, query: 'funnel', parameters: { from: day(4), to: day(4), windowHours: 96 } });

    // Assess
    expect(result.rows).toEqual([
      expect.objectContaining({ day: day(4), channel: 'push', variant: 'A', triggered: 0, converted: 0, revenue: 7 }),
    ]);
  });

  it('reports only the days asked for', async () => {
    // Act
    const result = await runQueryOnDuckDb({ root, query: 'funnel', parameters: { from: day(2), to: day(2), windowHours: 72 } });

    // Assess
    expect(result.rows.map((row) => [row.day, row.variant])).toEqual([
      [day(2), '-'],
      [day(2), 'A'],
    ]);
  });

  it('daily-behaviour.sql: sessions, mean dwell and add-to-cart per view by day', async () => {
    // Act
    const result = await runQueryOnDuckDb({ root, query: 'daily-behaviour', parameters: { from: day(1), to: day(7), windowHours: 72 } });

    // Assess
    expect(result.rows).toEqual([{ day: day(1), sessions: 2, product_views: 2, mean_dwell_ms: 4000, add_to_carts: 1, add_to_cart_per_view: 0.5 }]);
  });

  it('retention.sql: users active again 1, 7 and 30 days after their first message, messaged vs holdout', async () => {
    // Prepare: u1 (messaged day 1) comes back on days 2 and 31; u3 (held out day 1) on day 8 only
    const later = mkdtempSync(join(tmpdir(), 'retention-'));
    try {
      deliver(later, 'decisions/', at(1, '10:05:00'), [
        decision('r1', 'u1', 'push', at(1, '10:00:00'), { status: 'sent', variant: 'A' }),
        decision('r2', 'u1', 'push', at(3, '10:00:00'), { status: 'sent', variant: 'A' }), // not the first
        decision('r3', 'u3', 'push', at(1, '11:00:00'), { status: 'suppressed', reason: 'HOLDOUT' }),
        decision('r4', 'u4', 'push', at(1, '11:00:00'), { status: 'suppressed', reason: 'NO_CONSENT' }), // not a touch
      ]);
      deliver(later, 'archive/', at(2, '10:00:00'), [event('app_open', 'u1', at(2, '09:00:00'))]);
      deliver(later, 'archive/', at(8, '10:00:00'), [event('app_open', 'u3', at(8, '09:00:00'))]);
      deliver(later, 'archive/', at(31, '10:00:00'), [event('app_open', 'u1', at(31, '09:00:00'))]);

      // Act
      const result = await runQueryOnDuckDb({ root: later, query: 'retention', parameters: { from: day(1), to: day(1), windowHours: 72 } });

      // Assess
      const row = (campaign_id: string, arm: string, d1: number, d7: number, d30: number) => ({ campaign_id, arm, users: 1, active_d1: d1, active_d7: d7, active_d30: d30, retention_d1: d1, retention_d7: d7, retention_d30: d30 });
      expect(result.rows).toEqual([row('*', 'holdout', 0, 1, 0), row('*', 'messaged', 1, 0, 1), row('winback', 'holdout', 0, 1, 0), row('winback', 'messaged', 1, 0, 1)]);
    } finally {
      rmSync(later, { recursive: true, force: true });
    }
  });

  it('answers with no rows over an empty archive', async () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'analytics-empty-'));

    // Act
    const result = await runQueryOnDuckDb({ root: empty, query: 'funnel', parameters: { from: day(1), to: day(1), windowHours: 72 } });
    rmSync(empty, { recursive: true, force: true });

    // Assess
    expect(result.rows).toEqual([]);
  });
});
