import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoConsentReceipts } from '../../layers/adapters/dynamo-consent-receipts';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { TEST_YEAR } from '../helpers/test-calendar';

const NOW = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`);
const MINUTE = 60_000;
const ENDPOINT = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/tess';

/**
 * Tracking consent end to end under the default opt-in policy: a user who has not granted tracking sends
 * behaviour → no profile counters, no archive lines, no trigger; after a grant their behaviour is kept
 * and the three-pages campaign fires; the receipts show every statement.
 */
describe('tracking consent through the local stack', () => {
  let stack: LocalStack;
  let insertIds = 0;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => NOW, pollIntervalMs: 50 });
  });
  afterAll(() => stack?.stop());

  const event = (type: string, properties: Record<string, unknown>, minutes: number) => ({
    type,
    insertId: `consent-e2e-${String(++insertIds).padStart(4, '0')}`,
    userId: 'tess',
    timestamp: new Date(NOW.getTime() + minutes * MINUTE).toISOString(),
    properties,
  });
  const pages = (from: number) => [0, 1, 2].map((i) => event('page_view', { page: `/p${i}` }, from + i));
  const post = async (events: object[]) => {
    const response = await fetch(`${stack.url}/v1/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-api-key': stack.apiKey }, body: JSON.stringify({ events }) });
    expect(await response.json()).toEqual({ accepted: events.length, rejected: [] });
    await stack.settle();
  };
  const archived = async (): Promise<Array<{ type: string; insertId: string; properties?: Record<string, unknown> }>> => {
    const bucket = stack.stack.resources.Models!.name;
    const { Contents = [] } = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'archive/' }));
    const lines: string[] = [];
    for (const { Key } of Contents) {
      const body = await (await stack.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToByteArray();
      lines.push(...gunzipSync(body).toString('utf8').split('\n').filter(Boolean));
    }
    return lines.map((line) => JSON.parse(line));
  };
  const profile = () => new DynamoProfileStore(stack.clients.dynamo, stack.stack.resources.Profiles!.name).load('tess');
  const pushes = () => stack.emulators.directPublishes.list().filter((p) => p.targetArn === ENDPOINT);

  it('keeps no behaviour before the grant, keeps it after, and keeps a receipt of each statement', async () => {
    // Act 1: identity and push consent, tracking refused; then a browsing session
    await post([event('identify', { timeZone: 'Europe/London', pushEndpointArn: ENDPOINT, consent: { tracking: false, push: true, version: 'privacy-1' } }, -60)]);
    await post(pages(-30));

    // Assess 1
    expect((await profile())?.counters).toEqual({ identify: 1 });
    expect((await archived()).map((e) => e.type)).toEqual(['identify']);
    expect(pushes()).toHaveLength(0);

    // Act 2: the user grants tracking on the banner, and browses again
    await post([event('consent', { purposes: { tracking: true }, source: 'consent-banner', version: 'privacy-2' }, -10)]);
    await post(pages(-5));

    // Assess 2
    expect((await profile())?.counters).toEqual({ identify: 1, consent: 1, page_view: 3 });
    const lines = await archived();
    expect(lines.map((e) => e.type).sort()).toEqual(['consent', 'identify', 'page_view', 'page_view', 'page_view']);
    expect(JSON.stringify(lines)).not.toContain(ENDPOINT);
    expect(pushes()).toHaveLength(1);
    const receipts = await new DynamoConsentReceipts(stack.clients.dynamo, stack.stack.resources.Consents!.name).history('tess');
    expect(receipts.map(({ purpose, granted, source, version }) => ({ purpose, granted, source, version }))).toEqual([
      { purpose: 'push', granted: true, source: 'identify', version: 'privacy-1' },
      { purpose: 'tracking', granted: false, source: 'identify', version: 'privacy-1' },
      { purpose: 'tracking', granted: true, source: 'consent-banner', version: 'privacy-2' },
    ]);
  }, 120_000);
});
