import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQueryOnDuckDb } from '../../scripts/analytics/duckdb-archive';
import { downloadAnalyticsObjects } from '../../scripts/analytics/local-archive';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { rebaseTimestamps } from '../../scripts/samples/rebase-timestamps';
import { TEST_YEAR } from '../helpers/test-calendar';

const NOW = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`);
const DAY_MS = 86_400_000;
const SAMPLE = JSON.stringify(
  rebaseTimestamps(JSON.parse(readFileSync(join(__dirname, '../../events/samples/slice-batch.json'), 'utf8')), new Date(`${TEST_YEAR}-11-22T10:05:00.000Z`)),
);

/**
 * The local export end to end: the events archive (process-events → the local Firehose endpoint) and the decisions
 * export (DeliveryEvents → the template's firehose subscription → stand-in queue → Firehose emulation)
 * land in the Models bucket, and funnel.sql over a copy of them counts the send and the purchase after it.
 */
describe('SQL analytics over the local stack', () => {
  let stack: LocalStack;
  let now = NOW;
  let copy: string;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => now, pollIntervalMs: 50 });
    copy = mkdtempSync(join(tmpdir(), 'analytics-e2e-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(copy, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${stack.url}/v1/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-api-key': stack.apiKey }, body: JSON.stringify(body) });

  it('exports the related-products push and attributes the purchase that follows it', async () => {
    // Prepare: the sample shopper buys; a day later the related-products push goes out
    await post(JSON.parse(SAMPLE));
    await stack.settle();
    now = new Date(NOW.getTime() + DAY_MS);
    await stack.sweepTimers();
    await stack.settle();
    // an hour after the push, a second order
    now = new Date(NOW.getTime() + DAY_MS + 3_600_000);
    const purchase = { type: 'purchase', insertId: 'evt-analytics-0001', userId: 'user-42', timestamp: now.toISOString(), properties: { orderId: 'o-2', currency: 'GBP', items: [{ productId: '22423', quantity: 1, price: 12.75 }] } };
    expect((await post({ events: [purchase] })).status).toBe(200);
    await stack.settle();

    // Act
    const objects = await downloadAnalyticsObjects(stack.clients.s3, stack.stack.resources.Models!.name, copy);
    const day = now.toISOString().slice(0, 10);
    const result = await runQueryOnDuckDb({ root: copy, query: 'funnel', parameters: { from: day, to: day, windowHours: 72 } });

    // Assess
    expect(objects).toBeGreaterThanOrEqual(3); // two archive deliveries, at least one decisions delivery
    expect(result.rows).toEqual([
      expect.objectContaining({ day, campaign_id: 'related-products-after-purchase', channel: 'push', triggered: 1, sent: 1, converted: 1, revenue: 12.75 }),
    ]);
  });
});
