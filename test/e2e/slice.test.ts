import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { rebaseTimestamps } from '../../scripts/samples/rebase-timestamps';
import { TEST_YEAR } from '../helpers/test-calendar';

const NOW = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`);
const DAY_MS = 86_400_000;
/** The sample batch on the test calendar: its last event (the purchase) at 10:05 on the virtual day. */
const SAMPLE = JSON.stringify(
  rebaseTimestamps(JSON.parse(readFileSync(join(__dirname, '../../events/samples/slice-batch.json'), 'utf8')), new Date(`${TEST_YEAR}-11-22T10:05:00.000Z`)),
);
const ENDPOINT_ARN = JSON.parse(SAMPLE).events[0].properties.pushEndpointArn as string;

/**
 * The vertical slice through `npm start`'s local stack: HTTP → API Gateway emulation → ingest → Kinesis →
 * process-events → DynamoDB (profile, a 24 h timer) → the sweep a day later → intents queue → deliver →
 * SNS, all from the synthesized template, with the seed campaigns active, on a virtual clock.
 */
describe('the slice through the local stack', () => {
  let stack: LocalStack;
  let now = NOW;
  const lines: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: (line) => lines.push(line), clock: () => now });
  });
  afterAll(() => stack?.stop());

  const post = (body: string, headers: Record<string, string> = { 'x-api-key': stack.apiKey }) =>
    fetch(`${stack.url}/v1/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('turns the sample batch into a profile, and a day later into exactly one related-products push', async () => {
    // Act
    const response = await post(SAMPLE);
    await stack.settle();
    await stack.sweepTimers();
    await stack.settle();
    const pushesBefore = stack.emulators.directPublishes.list().length;
    now = new Date(NOW.getTime() + DAY_MS);
    await stack.sweepTimers();
    await stack.settle();

    // Assess: the endpoint
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 4, rejected: [] });
    // nothing on the day of the purchase (the view was followed by an add-to-cart: no coupon either)
    expect(pushesBefore).toBe(0);

    // the profile
    const profile = await new DynamoProfileStore(stack.clients.dynamo, stack.stack.resources.Profiles!.name).load('user-42');
    expect(profile).toMatchObject({
      version: 1,
      counters: { identify: 1, product_view: 1, add_to_cart: 1, purchase: 1 },
      consent: { push: { granted: true } },
      lifecycleStage: 'new',
      spend: { GBP: 5.1 },
      outbox: [],
    });
    expect(stack.seededCampaigns).toEqual(expect.arrayContaining(['related-products-after-purchase', 'viewed-no-cart-coupon']));
    // the endpoint is stored sealed (field-level encryption): the item holds a ciphertext and a masked form, never the ARN
    expect(profile?.channels.push).toEqual({ sealed: { ciphertext: expect.any(Uint8Array), masked: '…/GCM/shop-app/••••0042' }, at: expect.any(String) });
    const { Item } = await stack.clients.dynamo.send(new GetCommand({ TableName: stack.stack.resources.Profiles!.name, Key: { userId: 'user-42' } }));
    expect(Buffer.from(JSON.stringify(Item)).includes(ENDPOINT_ARN)).toBe(false);
    expect(Buffer.from((Item!.channels as { push: { sealed: { ciphertext: Uint8Array } } }).push.sealed.ciphertext).includes(ENDPOINT_ARN)).toBe(false);

    // the push, through SNS to the user's platform endpoint
    const pushes = stack.emulators.directPublishes.list();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ kind: 'push', targetArn: ENDPOINT_ARN, messageStructure: 'json' });

    // the message log
    const { Items } = await stack.clients.dynamo.send(
      new QueryCommand({ TableName: stack.stack.resources.Messages!.name, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': 'user-42' } }),
    );
    const decisions = (Items ?? []).filter((item) => String(item.sk).startsWith('MSG#'));
    expect(decisions).toEqual([expect.objectContaining({ status: 'sent', campaignId: 'related-products-after-purchase', providerMessageId: pushes[0]!.id })]);

    // and the console story
    const story = lines.join('\n');
    expect(story).toMatch(/ingest: 4 event\(s\) into the stream, 0 rejected/);
    expect(story).toMatch(/profile user-42 v1/);
    expect(story).toMatch(/SweepTimersSchedule: 1 timer\(s\) fired/);
    expect(story).toMatch(/trigger fired: related-products-after-purchase for user-42/);
    expect(story).toMatch(/sent: related-products-after-purchase to user-42/);
    expect(story).not.toContain(ENDPOINT_ARN);
  });

  it('changes nothing and sends nothing more when the same batch is posted again', async () => {
    // Act
    const response = await post(SAMPLE);
    await stack.settle();

    // Assess
    expect(response.status).toBe(200);
    expect(stack.emulators.directPublishes.list()).toHaveLength(1);
    const profile = await new DynamoProfileStore(stack.clients.dynamo, stack.stack.resources.Profiles!.name).load('user-42');
    expect(profile?.version).toBe(1);
  });

  it.each([
    ['a missing write key', 403, 'INVALID_API_KEY', () => post(SAMPLE, {})],
    ['a wrong write key', 403, 'INVALID_API_KEY', () => post(SAMPLE, { 'x-api-key': 'guess' })],
    ['a body that is not a batch', 400, 'INVALID_BATCH', () => post('{"events": []}')],
    ['a batch without one valid event', 400, 'NO_VALID_EVENTS', () => post('{"events": [{"type": "login"}]}')],
    ['a body over 1 MiB', 413, 'PAYLOAD_TOO_LARGE', () => post(JSON.stringify({ events: [{ type: 'login', padding: 'x'.repeat(1_100_000) }] }))],
  ])('answers %s with %i %s', async (_case, status, code, send) => {
    // Act
    const response = await send();

    // Assess
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  // Last: it spends the usage plan's burst (100 requests, refilling at 50/s) of the local write key.
  it('answers 429 THROTTLED past the usage plan of the template', async () => {
    // Act
    const responses = await Promise.all(Array.from({ length: 300 }, () => post('{"events": [{"type": "login"}]}')));

    // Assess
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(((await throttled[0]!.json()) as { error: { code: string } }).error.code).toBe('THROTTLED');
    expect(responses.every((r) => r.status === 429 || r.status === 400)).toBe(true);
  });
});
