import { Metrics } from '@aws-lambda-powertools/metrics';
import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createProcessEventsHandler } from '../../../functions/processing/process-events.handler';
import type { ProvisionedStack } from '../../../scripts/local-stack/provision-from-template';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { ingestedEventFactory, trackingGrantsFor } from '../../helpers/factories';
import { kinesisEventFactory } from '../../helpers/kinesis-event-factory';
import type { IngestedEvent } from '../../../layers/core/contract/pipeline-event';
import { startLocalFirehose } from '../../helpers/local-firehose';
import { lambdaContextFactory } from '../../helpers/lambda-context';
import { TEST_YEAR } from '../../helpers/test-calendar';

const NOW = new Date(`${TEST_YEAR}-11-22T12:00:00.000Z`);
const TRACKING_ID = 'a1b2c3d4-tracking';

/** process-events with PERSONALIZE_TRACKING_ID: the real tables and queues, Personalize faked at the client. */
describeWithAws('process-events sending interactions to Personalize', () => {
  let target: AwsTarget;
  let stack: ProvisionedStack;
  let env: Record<string, string>;
  let firehose: Awaited<ReturnType<typeof startLocalFirehose>>;
  const personalize = new PersonalizeEventsClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  const mock = mockClient(personalize);

  beforeAll(async () => {
    target = await startAwsTarget();
    stack = await provisionPipeline(target, 'pz-');
    env = {
      PROFILES_TABLE_NAME: resourceOf(stack, 'Profiles').name,
      INTENTS_QUEUE_URL: resourceOf(stack, 'Intents').url!,
      EVENTS_DLQ_URL: resourceOf(stack, 'EventsDlq').url!,
      CAMPAIGNS_TABLE_NAME: resourceOf(stack, 'Campaigns').name,
      TIMERS_TABLE_NAME: resourceOf(stack, 'Timers').name,
      EXPERIMENTS_TABLE_NAME: resourceOf(stack, 'Experiments').name,
      KPIS_TABLE_NAME: resourceOf(stack, 'Kpis').name,
      FIELD_KEY_ARN: resourceOf(stack, 'FieldKey').arn,
      CONSENTS_TABLE_NAME: resourceOf(stack, 'Consents').name,
      EVENTS_ARCHIVE_STREAM_NAME: resourceOf(stack, 'EventsArchive').name,
      PERSONALIZE_TRACKING_ID: TRACKING_ID,
    };
    firehose = await startLocalFirehose(env.EVENTS_ARCHIVE_STREAM_NAME!);
  });
  afterAll(async () => {
    await firehose?.stop();
    await target?.stop();
  });
  beforeEach(() => mock.reset());
  afterEach(() => jest.restoreAllMocks());

  const handlerFor = (environment: Record<string, string>) =>
    createProcessEventsHandler(environment, { dynamo: target.clients.document, sqs: target.clients.sqs, firehose: firehose.client, kms: target.clients.kms, clock: () => NOW, personalizeEvents: personalize });
  /** The events of users who granted tracking at their first event (opt-in is the default). */
  const tracked = (events: IngestedEvent[]) => kinesisEventFactory([...trackingGrantsFor(events), ...events]);
  const profileOf = async (userId: string) =>
    (await target.clients.document.send(new GetCommand({ TableName: env.PROFILES_TABLE_NAME, Key: { userId } }))).Item;

  it('sends the views, adds to cart and purchased items of the batch, at their own times', async () => {
    // Prepare
    mock.on(PutEventsCommand).resolves({});
    const batch = tracked([
      ingestedEventFactory({ userId: 'dora', type: 'product_view', timestamp: `${TEST_YEAR}-11-22T09:00:00.000Z`, properties: { productId: '22423' } }),
      ingestedEventFactory({ userId: 'dora', type: 'add_to_cart', timestamp: `${TEST_YEAR}-11-22T09:01:00.000Z`, properties: { productId: '22423', quantity: 1, price: 12.75 } }),
      ingestedEventFactory({ userId: 'dora', type: 'login', timestamp: `${TEST_YEAR}-11-22T09:02:00.000Z` }),
      ingestedEventFactory({
        userId: 'dora',
        type: 'purchase',
        timestamp: `${TEST_YEAR}-11-22T09:05:00.000Z`,
        properties: { orderId: 'o-1', currency: 'GBP', items: [{ productId: '22423', quantity: 1, price: 12.75 }, { productId: '85123A', quantity: 2, price: 2.95 }] },
      }),
    ]);

    // Act
    const response = await handlerFor(env)(batch, lambdaContextFactory('process-events'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const archived = Buffer.concat(firehose.records).toString('utf8').split('\n').filter((line) => line.includes('"userId":"dora"'));
    expect(archived).toHaveLength(5); // the grant and the four events
    expect(mock.commandCalls(PutEventsCommand).map((call) => call.args[0].input)).toEqual([
      {
        trackingId: TRACKING_ID,
        userId: 'dora',
        sessionId: 'dora',
        eventList: [
          { eventType: 'view', itemId: '22423', sentAt: new Date(`${TEST_YEAR}-11-22T09:00:00.000Z`) },
          { eventType: 'add_to_cart', itemId: '22423', sentAt: new Date(`${TEST_YEAR}-11-22T09:01:00.000Z`) },
          { eventType: 'purchase', itemId: '22423', sentAt: new Date(`${TEST_YEAR}-11-22T09:05:00.000Z`) },
          { eventType: 'purchase', itemId: '85123A', sentAt: new Date(`${TEST_YEAR}-11-22T09:05:00.000Z`) },
        ],
      },
    ]);
  });

  it('neither fails nor retries the batch when Personalize refuses, and counts what it did not take', async () => {
    // Prepare
    mock.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const addMetric = jest.spyOn(Metrics.prototype, 'addMetric');
    const batch = tracked([ingestedEventFactory({ userId: 'eve', type: 'product_view', properties: { productId: '22423' } })]);

    // Act
    const response = await handlerFor(env)(batch, lambdaContextFactory('process-events'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await profileOf('eve')).toMatchObject({ counters: { product_view: 1 } });
    expect(addMetric).toHaveBeenCalledWith('PersonalizeEventsFailed', 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith('PersonalizeEventsSent', 'Count', 0);
  });

  it('sends nothing without PERSONALIZE_TRACKING_ID', async () => {
    // Prepare
    const { PERSONALIZE_TRACKING_ID: _unset, ...withoutTracking } = env;
    const batch = tracked([ingestedEventFactory({ userId: 'fay', type: 'product_view', properties: { productId: '22423' } })]);

    // Act
    const response = await handlerFor(withoutTracking)(batch, lambdaContextFactory('process-events'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await profileOf('fay')).toMatchObject({ counters: { product_view: 1 } });
    expect(mock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sends nothing of a user without tracking consent, keeps no profile for them, and counts why', async () => {
    // Prepare
    mock.on(PutEventsCommand).resolves({});
    const addMetric = jest.spyOn(Metrics.prototype, 'addMetric');
    const batch = kinesisEventFactory([ingestedEventFactory({ userId: 'gus', type: 'product_view', properties: { productId: '22423' } })]);

    // Act
    const response = await handlerFor(env)(batch, lambdaContextFactory('process-events'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(mock.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(await profileOf('gus')).toBeUndefined();
    expect(Buffer.concat(firehose.records).toString('utf8')).not.toContain('"userId":"gus"');
    expect(addMetric).toHaveBeenCalledWith('EventsNotTracked', 'Count', 1);
  });
});
