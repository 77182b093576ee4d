import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { createDeliverHandler } from '../../../functions/messaging/deliver.handler';
import { createIngestHandler } from '../../../functions/ingest/ingest.handler';
import { createSweepTimersHandler } from '../../../functions/campaigns/sweep-timers.handler';
import { createProcessEventsHandler } from '../../../functions/processing/process-events.handler';
import { DynamoCampaignStore } from '../../../layers/adapters/dynamo-campaign-store';
import { loadCampaignFiles } from '../../../scripts/campaigns/load-campaign-files';
import type { ProvisionedStack } from '../../../scripts/local-stack/provision-from-template';
import { apiGatewayEventFactory } from '../../helpers/api-gateway-event-factory';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { eventFactory, ingestedEventFactory, trackingGrantFactory } from '../../helpers/factories';
import { kinesisEventFactory, kinesisRecordFactory } from '../../helpers/kinesis-event-factory';
import { startLocalFirehose } from '../../helpers/local-firehose';
import { lambdaContextFactory } from '../../helpers/lambda-context';
import { TEST_YEAR } from '../../helpers/test-calendar';

const NOW = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`);
const clock = () => NOW;
/** A day after the purchase below, when its related-products timer is due. */
const NEXT_DAY = new Date(`${TEST_YEAR}-11-23T10:01:00.000Z`);
const nextDay = () => NEXT_DAY;
const ENDPOINT_ARN = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/carol';

/** The handlers, in-process, with real SDK clients against real local services. */
describeWithAws('pipeline handlers against the provisioned resources', () => {
  let target: AwsTarget;
  let stack: ProvisionedStack;
  let env: Record<string, string>;
  let firehose: Awaited<ReturnType<typeof startLocalFirehose>>;

  beforeAll(async () => {
    target = await startAwsTarget();
    stack = await provisionPipeline(target, 'fn-');
    env = {
      EVENTS_STREAM_NAME: resourceOf(stack, 'Events').name,
      PROFILES_TABLE_NAME: resourceOf(stack, 'Profiles').name,
      MESSAGES_TABLE_NAME: resourceOf(stack, 'Messages').name,
      INTENTS_QUEUE_URL: resourceOf(stack, 'Intents').url!,
      EVENTS_DLQ_URL: resourceOf(stack, 'EventsDlq').url!,
      DELIVERY_EVENTS_TOPIC_ARN: resourceOf(stack, 'DeliveryEvents').arn,
      CAMPAIGNS_TABLE_NAME: resourceOf(stack, 'Campaigns').name,
      TIMERS_TABLE_NAME: resourceOf(stack, 'Timers').name,
      EXPERIMENTS_TABLE_NAME: resourceOf(stack, 'Experiments').name,
      KPIS_TABLE_NAME: resourceOf(stack, 'Kpis').name,
      INBOX_TABLE_NAME: resourceOf(stack, 'Inbox').name,
      FIELD_KEY_ARN: resourceOf(stack, 'FieldKey').arn,
      CONSENTS_TABLE_NAME: resourceOf(stack, 'Consents').name,
      EVENTS_ARCHIVE_STREAM_NAME: resourceOf(stack, 'EventsArchive').name,
    };
    firehose = await startLocalFirehose(env.EVENTS_ARCHIVE_STREAM_NAME!);
    const campaigns = new DynamoCampaignStore(target.clients.document, env.CAMPAIGNS_TABLE_NAME!);
    for (const campaign of loadCampaignFiles(join(__dirname, '../../../events/campaigns'))) {
      await campaigns.put(campaign, NOW);
      await campaigns.setActive(campaign.id, true, NOW);
    }
  });
  afterAll(async () => {
    await firehose?.stop();
    await target?.stop();
  });

  const receive = async (queueUrl: string): Promise<Message[]> => {
    const { Messages = [] } = await target.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    return Messages;
  };

  it('ingest writes the accepted events to the stream and reports the rejected ones', async () => {
    // Prepare
    const ingest = createIngestHandler(env, { kinesis: target.clients.kinesis, clock });

    // Act
    const response = await ingest(apiGatewayEventFactory({ events: [eventFactory(), { type: 'login' }] }), lambdaContextFactory('ingest'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ accepted: 1, rejected: [{ index: 0 + 1 }] });
  });

  describe('process-events → deliver', () => {
    const identify = ingestedEventFactory({
      userId: 'carol',
      type: 'identify',
      timestamp: `${TEST_YEAR}-11-22T09:00:00.000Z`,
      properties: { consent: { tracking: true, push: true }, pushEndpointArn: ENDPOINT_ARN, timeZone: 'Europe/London' },
    });
    const purchase = ingestedEventFactory({ userId: 'carol', type: 'purchase', timestamp: `${TEST_YEAR}-11-22T10:00:00.000Z` });
    const batch = kinesisEventFactory([identify, '%%% not json', purchase, { ...purchase, insertId: 'bad' }]);
    let intents: Message[];

    const timersOf = async (userId: string) =>
      (
        await target.clients.document.send(
          new QueryCommand({ TableName: env.TIMERS_TABLE_NAME, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } }),
        )
      ).Items ?? [];

    it('folds the valid records into the profile, parks the poison ones, and arms the related-products timer instead of sending now', async () => {
      // Prepare
      const processEvents = createProcessEventsHandler(env, { dynamo: target.clients.document, sqs: target.clients.sqs, firehose: firehose.client, kms: target.clients.kms, clock });

      // Act
      const response = await processEvents(batch, lambdaContextFactory('process-events'));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const { Item } = await target.clients.document.send(new GetCommand({ TableName: env.PROFILES_TABLE_NAME, Key: { userId: 'carol' } }));
      expect(Item).toMatchObject({ version: 1, counters: { identify: 1, purchase: 1 }, consent: { push: { granted: true } }, outbox: [], timerOutbox: [] });
      expect(await receive(env.INTENTS_QUEUE_URL!)).toHaveLength(0);
      expect(await timersOf('carol')).toEqual([
        expect.objectContaining({ key: 'related-products-after-purchase#-', armId: purchase.insertId, dueAt: Date.parse(`${TEST_YEAR}-11-23T10:00:00.000Z`) }),
      ]);
      const parked = (await receive(env.EVENTS_DLQ_URL!)).map((m) => JSON.parse(m.Body!));
      expect(parked.map((p) => [p.kind, p.sequenceNumber, p.reason]).sort()).toEqual([
        ['PoisonRecord', '1001', 'UNDECODABLE'],
        ['PoisonRecord', '1003', 'SCHEMA_INVALID'],
      ]);
    });

    it('leaves the profile as it was and enqueues nothing when the batch is replayed', async () => {
      // Prepare
      const processEvents = createProcessEventsHandler(env, { dynamo: target.clients.document, sqs: target.clients.sqs, firehose: firehose.client, kms: target.clients.kms, clock });
      const before = await target.clients.document.send(new GetCommand({ TableName: env.PROFILES_TABLE_NAME, Key: { userId: 'carol' } }));
      const timersBefore = await timersOf('carol');

      // Act
      await processEvents(batch, lambdaContextFactory('process-events'));

      // Assess
      const after = await target.clients.document.send(new GetCommand({ TableName: env.PROFILES_TABLE_NAME, Key: { userId: 'carol' } }));
      expect(after.Item).toEqual(before.Item);
      expect(await timersOf('carol')).toEqual(timersBefore);
      expect(await receive(env.INTENTS_QUEUE_URL!)).toHaveLength(0);
    });

    it('sweep-timers enqueues the related-products intent once it is due, and only then', async () => {
      // Prepare
      const sweep = (at: Date) => createSweepTimersHandler(env, { dynamo: target.clients.document, sqs: target.clients.sqs, clock: () => at });

      // Act
      const early = await sweep(new Date(`${TEST_YEAR}-11-23T09:59:00.000Z`))({}, lambdaContextFactory('sweep-timers'));
      const due = await sweep(NEXT_DAY)({}, lambdaContextFactory('sweep-timers'));

      // Assess
      expect(early.fired).toBe(0);
      expect(due).toMatchObject({ fired: 1, oldestDueLagMs: 60_000 });
      intents = await receive(env.INTENTS_QUEUE_URL!);
      expect(intents.map((m) => JSON.parse(m.Body!))).toEqual([
        expect.objectContaining({ userId: 'carol', campaignId: 'related-products-after-purchase', occurrence: purchase.insertId, triggeredAt: `${TEST_YEAR}-11-23T10:00:00.000Z` }),
      ]);
      expect(await timersOf('carol')).toEqual([]);
    });

    it('deliver sends the push once, even when SQS delivers the intent twice', async () => {
      if (!target.directPublishes) return; // platform endpoints need the local SNS stub
      // Prepare
      const deliver = createDeliverHandler(env, { dynamo: target.clients.document, kms: target.clients.kms, sns: target.clients.sns, clock: nextDay });
      const event: SQSEvent = {
        Records: intents.map((m) => ({
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body!,
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'local', ApproximateFirstReceiveTimestamp: '0' },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: resourceOf(stack, 'Intents').arn,
          awsRegion: 'us-east-1',
        })),
      };

      // Act
      const first = await deliver(event, lambdaContextFactory('deliver'));
      const redelivery = await deliver(event, lambdaContextFactory('deliver'));

      // Assess
      expect(first).toEqual({ batchItemFailures: [] });
      expect(redelivery).toEqual({ batchItemFailures: [] });
      const pushes = target.directPublishes.list().filter((p) => p.targetArn === ENDPOINT_ARN);
      expect(pushes).toHaveLength(1);
      expect(JSON.parse(pushes[0]!.message)).toEqual(expect.objectContaining({ default: expect.any(String), GCM: expect.any(String) }));
      const { Items = [] } = await target.clients.document.send(
        new QueryCommand({ TableName: env.MESSAGES_TABLE_NAME, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': 'carol' } }),
      );
      // The message log's items (the ledger also keeps the user's caps under `CAPS`)
      expect(Items.filter((item) => String(item.sk).startsWith('MSG#'))).toEqual([expect.objectContaining({ status: 'sent', campaignId: 'related-products-after-purchase' })]);
    });
  });

  describe('process-events never drops a record it cannot use', () => {
    // Wall-clock based, so nothing expires under DynamoDB Local's TTL however late the suite runs
    const now = new Date(Date.now());
    const earlier = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
    const receivedAt = now.toISOString();
    const grant = trackingGrantFactory({ userId: 'dave', timestamp: earlier(40), receivedAt });
    const login = ingestedEventFactory({ type: 'login', userId: 'dave', timestamp: earlier(30), receivedAt });
    // Each number is valid alone; the order total (1e16) is beyond what the profile keeps
    const hugeOrder = ingestedEventFactory({
      type: 'purchase',
      userId: 'dave',
      timestamp: earlier(20),
      receivedAt,
      properties: { orderId: 'o-huge', currency: 'GBP', items: [{ productId: 'P-1', quantity: 1_000_000, price: 1e10 }] },
    });
    // Another producer's raw JSON: 1e999 parses to Infinity, year 0001 and Mars/Olympus are off the contract
    const raw = (type: string, n: number, rest: string) =>
      `{"type":"${type}","insertId":"evt-dave-raw-${n}","userId":"dave","receivedAt":"${receivedAt}",${rest}}`;
    const batch = {
      Records: [
        kinesisRecordFactory(grant, '3000', 'dave'),
        kinesisRecordFactory(login, '3001', 'dave'),
        kinesisRecordFactory(hugeOrder, '3002', 'dave'),
        kinesisRecordFactory(raw('add_to_cart', 1, `"timestamp":"${earlier(10)}","properties":{"productId":"P-1","price":1e999}`), '3003', 'dave'),
        kinesisRecordFactory(raw('login', 2, '"timestamp":"0001-01-01T00:00:00Z"'), '3004', 'dave'),
        kinesisRecordFactory(raw('identify', 3, `"timestamp":"${earlier(5)}","properties":{"timeZone":"Mars/Olympus"}`), '3005', 'dave'),
      ],
    };
    const ours = new Set(['3002', '3003', '3004', '3005']);

    /** The batch's messages in the DLQ (earlier tests' messages may show again once their visibility ends). */
    const parkedOf = async (): Promise<Array<{ kind: string; sequenceNumber: string; reason: string; data: string; errors: Array<{ path: string; code: string }> }>> => {
      const found = new Map<string, ReturnType<typeof JSON.parse>>();
      for (let attempt = 0; attempt < 10 && found.size < ours.size; attempt++) {
        for (const message of await receive(env.EVENTS_DLQ_URL!)) {
          const body = JSON.parse(message.Body!);
          if (ours.has(body.sequenceNumber)) found.set(body.sequenceNumber, body);
        }
      }
      return [...found.values()].sort((a, b) => a.sequenceNumber.localeCompare(b.sequenceNumber));
    };

    it('applies the good record, parks the others in EventsDlq with their reason and the record itself, and fails none', async () => {
      // Prepare
      const processEvents = createProcessEventsHandler(env, { dynamo: target.clients.document, sqs: target.clients.sqs, firehose: firehose.client, kms: target.clients.kms, clock: () => now });

      // Act
      const response = await processEvents(batch, lambdaContextFactory('process-events'));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const { Item } = await target.clients.document.send(new GetCommand({ TableName: env.PROFILES_TABLE_NAME, Key: { userId: 'dave' } }));
      expect(Item).toMatchObject({ version: 1, counters: { login: 1 }, spend: {} });
      expect(Item?.timeZone).toBeUndefined();
      const parked = await parkedOf();
      expect(parked.map((p) => [p.kind, p.sequenceNumber, p.reason, p.errors.map((e) => `${e.path} ${e.code}`)])).toEqual([
        ['PoisonRecord', '3002', 'UNUSABLE', ['properties.items INVALID_VALUE']],
        ['PoisonRecord', '3003', 'SCHEMA_INVALID', ['properties.price OUT_OF_RANGE']],
        ['PoisonRecord', '3004', 'SCHEMA_INVALID', ['timestamp OUT_OF_RANGE']],
        ['PoisonRecord', '3005', 'SCHEMA_INVALID', ['properties.timeZone UNKNOWN_TIME_ZONE']],
      ]);
      expect(parked[0]!.data).toBe(batch.Records[2]!.kinesis.data);
    });
  });
});
