import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoInbox } from '../../../layers/adapters/dynamo-inbox';
import type { InboxMessage } from '../../../layers/core/inbox/inbox-message';
import { meterReads } from '../../../scripts/bench/count-commands';
import { TEST_YEAR } from '../../helpers/test-calendar';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';

const T0 = Date.parse(`${TEST_YEAR}-11-22T12:00:00.000Z`);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
/** A realistic message: a title and a body of a push's length, an image and a deep link. */
const message = (n: number, overrides: Partial<InboxMessage> = {}): InboxMessage => ({
  userId: 'ann',
  messageId: n.toString(16).padStart(32, '0'),
  campaignId: 'viewed-no-cart-coupon',
  variant: 'default',
  slot: 'inbox',
  priority: 0,
  title: 'Still thinking about it?',
  body: 'The WHITE HANGING HEART T-LIGHT HOLDER is waiting in your size. Use code SAVE10 for 10% off today.',
  imageUrl: 'https://cdn.example.com/products/85123A/large.jpg',
  deepLink: 'shop://product/85123A?utm_campaign=viewed-no-cart-coupon',
  receivedAt: at(n),
  expiresAt: at(n + 7 * 24 * 60),
  ...overrides,
});

describeWithAws('DynamoInbox on the provisioned Inbox table', () => {
  let target: AwsTarget;
  let inbox: DynamoInbox;
  let tableName: string;
  let reads: ReturnType<typeof meterReads>;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'inbox-');
    tableName = resourceOf(stack, 'Inbox').name;
    // A client of its own, so the meter sees this test's reads only.
    const document = DynamoDBDocumentClient.from(target.clients.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    reads = meterReads(document);
    inbox = new DynamoInbox(document, tableName);
  });
  afterAll(() => target?.stop());

  it('pages newest first through its own items, keeps banners apart, and stores the TTL in epoch seconds', async () => {
    // Prepare: 25 inbox items, two banners, and a neighbour's item
    for (let n = 1; n <= 25; n++) await inbox.put(message(n));
    await inbox.put(message(30, { slot: 'home-top', priority: 5 }));
    await inbox.put(message(31, { slot: 'cart' }));
    await inbox.put(message(32, { userId: 'bob' }));

    // Act
    const first = await inbox.page('ann', 20);
    const second = await inbox.page('ann', 20, first.next);

    // Assess
    expect(first.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 20 }, (_, i) => message(25 - i).messageId));
    expect(second.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 5 }, (_, i) => message(5 - i).messageId));
    expect(second.next).toBeUndefined();
    expect((await inbox.banners('ann')).map((m) => m.slot).sort()).toEqual(['cart', 'home-top']);
    expect((await inbox.banners('ann', 'cart')).map((m) => m.slot)).toEqual(['cart']);
    const { Item } = await target.clients.document.send(new GetCommand({ TableName: tableName, Key: { userId: 'ann', sk: `i#${at(1)}#${message(1).messageId}` } }));
    expect(Item).toMatchObject({ ttl: Math.ceil(Date.parse(message(1).expiresAt) / 1000) });
  });

  it('costs 2 read units per inbox fetch: 1.5 for a page of 20 such messages (about 470 bytes each), 0.5 for the banners', async () => {
    // Act: a fetch is a page and the banners, eventually consistent
    reads.clear();
    await Promise.all([inbox.page('ann', 20), inbox.banners('ann')]);

    // Assess
    // Eventually consistent: half a unit per 4 KB read, rounded up per request (9.4 KB → 3 × 0.5).
    expect(reads.get(tableName)).toMatchObject({ requests: 2, units: 2 });
  });

  it('marks the first time only, and never creates a message that is not there', async () => {
    const sortKey = `i#${at(2)}#${message(2).messageId}`;
    const first = await inbox.mark('ann', sortKey, ['impressionAt'], new Date(at(100)));
    const again = await inbox.mark('ann', sortKey, ['impressionAt', 'clickedAt', 'readAt'], new Date(at(200)));
    expect(first).toMatchObject({ impressionAt: at(100) });
    expect(again).toMatchObject({ impressionAt: at(100), clickedAt: at(200), readAt: at(200) });
    expect(await inbox.mark('ann', `i#${at(2)}#${'f'.repeat(32)}`, ['readAt'], new Date(at(100)))).toBeUndefined();
    expect(await inbox.get('ann', `i#${at(2)}#${'f'.repeat(32)}`)).toBeUndefined();
  });
});
