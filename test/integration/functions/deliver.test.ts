import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { createDeliverHandler } from '../../../functions/messaging/deliver.handler';
import { DynamoCampaignStore } from '../../../layers/adapters/dynamo-campaign-store';
import { DynamoMessageLog } from '../../../layers/adapters/dynamo-message-log';
import { DynamoProfileStore } from '../../../layers/adapters/dynamo-profile-store';
import { messageIdFor, type Intent } from '../../../layers/core/messaging/intent';
import type { Profile } from '../../../layers/core/profile/profile';
import { loadCampaignFiles } from '../../../scripts/campaigns/load-campaign-files';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { profileFactory } from '../../helpers/factories';
import { lambdaContextFactory } from '../../helpers/lambda-context';
import { TEST_YEAR } from '../../helpers/test-calendar';

const NOW = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`); // noon in London, 01:00 the next day in Auckland
const clock = () => NOW;
const GRANTED = { granted: true, at: `${TEST_YEAR}-11-01T00:00:00.000Z`, source: 'identify' };
const endpointOf = (userId: string) => `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/${userId}`;
const PHONE = '+447700900123';
const OPTED_OUT_PHONE = '+447700900999';

/**
 * The deliver handler in-process: DynamoDB Local for profiles, campaigns, the ledger, the limiter and
 * timers; the delivery-events topic on fauxqs; push, SMS and the opt-out list through a client-level
 * SNS fake (fauxqs does not do `TargetArn`/`PhoneNumber`); SQS visibility through a client-level fake.
 */
describeWithAws('deliver handler against DynamoDB Local', () => {
  let target: AwsTarget;
  let env: Record<string, string>;
  let queueArn: string;
  const direct = new SNSClient({ region: 'us-east-1' });
  const directSns = mockClient(direct);
  const sqs = new SQSClient({ region: 'us-east-1' });
  const sqsMock = mockClient(sqs);
  let published = 0;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'dlv-');
    const campaignsTable = resourceOf(stack, 'Campaigns').name;
    const timersTable = resourceOf(stack, 'Timers').name;
    queueArn = stack.resources.Intents!.arn;
    env = {
      PROFILES_TABLE_NAME: stack.resources.Profiles!.name,
      MESSAGES_TABLE_NAME: stack.resources.Messages!.name,
      DELIVERY_EVENTS_TOPIC_ARN: stack.resources.DeliveryEvents!.arn,
      CAMPAIGNS_TABLE_NAME: campaignsTable,
      TIMERS_TABLE_NAME: timersTable,
      EXPERIMENTS_TABLE_NAME: resourceOf(stack, 'Experiments').name,
      KPIS_TABLE_NAME: resourceOf(stack, 'Kpis').name,
      INBOX_TABLE_NAME: resourceOf(stack, 'Inbox').name,
      FIELD_KEY_ARN: resourceOf(stack, 'FieldKey').arn,
      PUSH_RATE_PER_SECOND: '5',
    };
    const campaigns = new DynamoCampaignStore(target.clients.document, campaignsTable);
    for (const campaign of loadCampaignFiles(join(__dirname, '../../../events/campaigns'))) {
      await campaigns.put(campaign, NOW);
      await campaigns.setActive(campaign.id, true, NOW);
    }
  });
  afterAll(() => target?.stop());
  beforeEach(() => {
    directSns.reset();
    directSns.on(PublishCommand).callsFake(async () => ({ MessageId: `sns-${++published}` }));
    directSns.on(CheckIfPhoneNumberIsOptedOutCommand).callsFake(async (input: { phoneNumber: string }) => ({ isOptedOut: input.phoneNumber === OPTED_OUT_PHONE }));
    sqsMock.reset();
    sqsMock.on(GetQueueUrlCommand).resolves({ QueueUrl: 'http://local/Intents' });
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  });

  const handler = (at = clock) => createDeliverHandler(env, { dynamo: target.clients.document, kms: target.clients.kms, sns: target.clients.sns, pushSns: direct, sqs, clock: at, sleep: async () => undefined });
  const saveProfile = (userId: string, overrides: Partial<Profile> = {}) =>
    new DynamoProfileStore(target.clients.document, env.PROFILES_TABLE_NAME!).save(
      profileFactory({ userId, timeZone: 'Europe/London', channels: { push: { endpointArn: endpointOf(userId), at: GRANTED.at } }, ...overrides }),
      0,
    );
  const intentFor = (userId: string, campaignId: string, context: Intent['context'] = {}): Intent => ({
    messageId: messageIdFor({ userId, campaignId, occurrence: 'occ-1' }),
    userId,
    campaignId,
    channel: 'push',
    occurrence: 'occ-1',
    triggeredAt: `${TEST_YEAR}-11-22T11:00:00.000Z`,
    context,
  });
  const sqsEvent = (intents: (Intent | string)[], receiveCount = 1): SQSEvent => ({
    Records: intents.map((intent, i) => ({
      messageId: `sqs-${i}`,
      receiptHandle: `receipt-${i}`,
      body: typeof intent === 'string' ? intent : JSON.stringify(intent),
      attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'local', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  });
  const decisionOf = async (intent: Intent) => (await new DynamoMessageLog(target.clients.document, env.MESSAGES_TABLE_NAME!).read(intent.userId, intent.messageId)).decision;

  it('sends the push once, with the segment content and popular items, even when SQS delivers it twice', async () => {
    // Prepare
    await saveProfile('ann', { lifecycleStage: 'new' });
    const intent = intentFor('ann', 'related-products-after-purchase', { purchasedProductIds: ['22423'] });
    const deliver = handler();

    // Act
    const first = await deliver(sqsEvent([intent]), lambdaContextFactory('deliver'));
    const redelivery = await deliver(sqsEvent([intent]), lambdaContextFactory('deliver'));

    // Assess
    expect(first).toEqual({ batchItemFailures: [] });
    expect(redelivery).toEqual({ batchItemFailures: [] });
    const pushes = directSns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ TargetArn: endpointOf('ann'), MessageStructure: 'json' });
    const message = JSON.parse(pushes[0]!.Message!);
    expect(message.default).toMatch(/^Welcome aboard\. Customers who bought the same also loved 85123A, 47566 and 84879, and NEXT10/);
    expect(await decisionOf(intent)).toMatchObject({ status: 'sent', channel: 'push', variant: 'new-users', providerMessageId: expect.stringMatching(/^sns-/) });
  });

  it('falls back to SMS for the comeback campaign, typed Promotional, after asking the opt-out list', async () => {
    // Prepare
    await saveProfile('ben', { consent: { sms: GRANTED }, channels: { sms: { phoneNumber: PHONE, at: GRANTED.at } } });
    await saveProfile('cleo', { consent: { sms: GRANTED }, channels: { sms: { phoneNumber: OPTED_OUT_PHONE, at: GRANTED.at } } });
    const toBen = intentFor('ben', 'comeback-after-3-days');
    const toCleo = intentFor('cleo', 'comeback-after-3-days');

    // Act
    const response = await handler()(sqsEvent([toBen, toCleo]), lambdaContextFactory('deliver'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(directSns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      {
        PhoneNumber: PHONE,
        Message: 'Your daily reward is waiting: check in today to collect bonus points.',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' } },
      },
    ]);
    expect(await decisionOf(toBen)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(await decisionOf(toCleo)).toMatchObject({ status: 'suppressed', reason: 'NO_CONSENT', detail: 'push:NO_CONSENT sms:SMS_OPTED_OUT' });
  });

  it('defers an intent in quiet hours to 08:00 in the user zone through a durable timer', async () => {
    // Prepare
    await saveProfile('dan', { timeZone: 'Pacific/Auckland' });
    const intent = intentFor('dan', 'viewed-no-cart-coupon', { productId: '85123A' });

    // Act
    const response = await handler()(sqsEvent([intent]), lambdaContextFactory('deliver'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(directSns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(await decisionOf(intent)).toMatchObject({ status: 'deferred', reason: 'QUIET_HOURS', deferredUntil: `${TEST_YEAR}-11-22T19:00:00.000Z` });
    const { Item } = await target.clients.document.send(new GetCommand({ TableName: env.TIMERS_TABLE_NAME, Key: { userId: 'dan', key: `defer#${intent.messageId}` } }));
    expect(Item).toMatchObject({ dueAt: Date.parse(`${TEST_YEAR}-11-22T19:00:00.000Z`), intent: { messageId: intent.messageId } });
  });

  it('sends no faster than the push rate: the records without a slot fail and come back later', async () => {
    // Prepare: 5/s with a 2 s wait bound and a clock that stands still = 11 slots for 14 intents (an hour
    // after the other tests, so the schedule is idle)
    const later = () => new Date(NOW.getTime() + 3_600_000);
    const users = Array.from({ length: 14 }, (_, i) => `rate-${i}`);
    for (const userId of users) await saveProfile(userId);
    const intents = users.map((userId) => intentFor(userId, 'browsed-three-pages'));

    // Act
    const first = await handler(later)(sqsEvent(intents.slice(0, 10)), lambdaContextFactory('deliver'));
    const second = await handler(later)(sqsEvent(intents.slice(10)), lambdaContextFactory('deliver'));

    // Assess
    expect(first).toEqual({ batchItemFailures: [] });
    expect(second.batchItemFailures).toHaveLength(3);
    expect(directSns.commandCalls(PublishCommand)).toHaveLength(11);
    const delayed = sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(delayed).toHaveLength(3);
    expect(delayed.every((d) => d.VisibilityTimeout! >= 2)).toBe(true);
    const failedIntents = second.batchItemFailures.map((f) => intents[10 + Number(f.itemIdentifier.replace('sqs-', ''))]!);
    for (const intent of failedIntents) expect(await decisionOf(intent)).toBeUndefined();
  });

  it('reports an intent it cannot parse as a failure, and keeps phone numbers and endpoints out of its logs', async () => {
    // Prepare
    await saveProfile('eve', { consent: { sms: GRANTED }, channels: { sms: { phoneNumber: PHONE, at: GRANTED.at } } });
    await saveProfile('fay');
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const level = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    let response;
    try {
      // Act
      // Two hours on: the push schedule of the test before is behind this clock.
      response = await handler(() => new Date(NOW.getTime() + 7_200_000))(
        sqsEvent([intentFor('eve', 'comeback-after-3-days'), intentFor('fay', 'comeback-after-3-days'), '{"not":"an intent"}']),
        lambdaContextFactory('deliver'),
      );
    } finally {
      process.env.POWERTOOLS_LOG_LEVEL = level;
      spy.mockRestore();
    }

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'sqs-2' }] });
    const logs = writes.join('');
    expect(logs).toContain('intent decided');
    expect(logs).not.toContain(PHONE);
    expect(logs).not.toContain('endpoint/GCM');
  });
});
