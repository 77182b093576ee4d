/**
 * npx tsx scripts/bench/deliver-throughput.ts [--messages 2000] [--concurrency 8]   (also part of `npm run bench`)
 *
 * The deliver function's own throughput and its DynamoDB cost per message, against DynamoDB Local:
 * intents for distinct users (so every one is sent), in SQS-sized batches of 10, through the real
 * handler (`createDeliverHandler`) with several invocations at once, like concurrent Lambda containers.
 * SNS answers in-process (a client middleware), so the figure is deliver + DynamoDB, not the network to
 * SNS; the send rate is set high enough not to throttle, so the limiter's bookkeeping is measured but not
 * its waiting. Prints messages/s and DynamoDB requests per message, by operation.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { createDeliverHandler } from '../../functions/messaging/deliver.handler';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { KmsFieldCipher } from '../../layers/adapters/kms-field-cipher';
import { sealingProfileStore } from '../../layers/core/profile/contact-fields';
import { KMS } from '@aws-sdk/client-kms';
import { startKmsStub } from '../local-stack/emulators/kms-stub';
import { TIMERS_BY_DUE_INDEX } from '../../layers/adapters/dynamo-timer-store';
import { messageIdFor, type Intent } from '../../layers/core/messaging/intent';
import { emptyProfile } from '../../layers/core/profile/profile';
import { loadCampaignFiles } from '../campaigns/load-campaign-files';
import { startDynamoDbLocal } from '../local-stack/emulators/dynamodb-local';
import { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '../local-stack/emulators/emulator';
import { countCommands, meterWrites, type WriteMeter } from './count-commands';

export interface DeliverBenchResult {
  messages: number;
  sent: number;
  elapsedMs: number;
  messagesPerSecond: number;
  dynamoRequests: Map<string, number>;
  requestsPerMessage: number;
  /** KMS requests by command (opening the sealed push endpoints). */
  kmsRequests: Map<string, number>;
  /** Write units per table, as DynamoDB bills them. */
  writes: WriteMeter;
}

const CAMPAIGN_ID = 'browsed-three-pages';
const BATCH = 10;

/** Runs the benchmark on a DynamoDB Local of its own; stops it before returning. */
export const benchDeliver = async (options: { messages: number; concurrency: number }): Promise<DeliverBenchResult> => {
  const dynamoDbLocal = await startDynamoDbLocal();
  const kmsStub = await startKmsStub({ region: DEFAULT_LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID });
  const kms = new KMS({ endpoint: kmsStub.endpoint, region: DEFAULT_LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const client = new DynamoDBClient({ endpoint: dynamoDbLocal.endpoint, region: DEFAULT_LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });
  const document = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    const env = { ...(await createTables(client)), FIELD_KEY_ARN: `arn:aws:kms:${DEFAULT_LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:key/00000000-0000-4000-8000-00000000b0b0` };
    const now = new Date();
    const campaigns = new DynamoCampaignStore(document, env.CAMPAIGNS_TABLE_NAME);
    const campaign = loadCampaignFiles(resolve(__dirname, '../../events/campaigns')).find((c) => c.id === CAMPAIGN_ID)!;
    await campaigns.put(campaign, now);
    await campaigns.setActive(CAMPAIGN_ID, true, now);

    const zone = middayZone(now);
    // Sealed as process-events writes them, so deliver pays for opening the endpoint as it does in AWS.
    const profiles = sealingProfileStore(new DynamoProfileStore(document, env.PROFILES_TABLE_NAME), new KmsFieldCipher(kms, env.FIELD_KEY_ARN));
    const intents: Intent[] = [];
    for (let start = 0; start < options.messages; start += 50) {
      const ids = Array.from({ length: Math.min(50, options.messages - start) }, (_, i) => `bench-${start + i}`);
      await Promise.all(
        ids.map((userId) =>
          profiles.save(
            {
              ...emptyProfile(userId),
              version: 1,
              timeZone: zone,
              consent: { push: { granted: true, at: now.toISOString(), source: 'identify' } },
              channels: { push: { endpointArn: `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/bench/${userId}`, at: now.toISOString() } },
            },
            0,
          ),
        ),
      );
      for (const userId of ids) {
        intents.push({ messageId: messageIdFor({ userId, campaignId: CAMPAIGN_ID, occurrence: 'bench' }), userId, campaignId: CAMPAIGN_ID, channel: 'push', occurrence: 'bench', triggeredAt: now.toISOString(), context: {} });
      }
    }

    // Count only what deliver does from here on.
    const counted = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamoDbLocal.endpoint, region: DEFAULT_LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const dynamoRequests = countCommands(counted);
    const writes = meterWrites(counted);
    const sns = answeringSnsClient();
    const kmsRequests = countCommands(kms);
    const handlers = Array.from({ length: options.concurrency }, () =>
      createDeliverHandler(env, { dynamo: counted, kms, sns, pushSns: sns, sqs: new SQSClient({ region: DEFAULT_LOCAL_REGION, credentials: LOCAL_CREDENTIALS }) }),
    );
    const batches: Intent[][] = [];
    for (let i = 0; i < intents.length; i += BATCH) batches.push(intents.slice(i, i + BATCH));

    let failed = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      handlers.map(async (handler, worker) => {
        for (let b = worker; b < batches.length; b += handlers.length) {
          const response = await handler(sqsEvent(batches[b]!), lambdaContext());
          failed += response.batchItemFailures.length;
        }
      }),
    );
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    counted.destroy();
    const requests = [...dynamoRequests.values()].reduce((sum, n) => sum + n, 0);
    return {
      messages: intents.length,
      sent: intents.length - failed,
      elapsedMs,
      messagesPerSecond: Math.round(intents.length / (elapsedMs / 1000)),
      dynamoRequests,
      requestsPerMessage: requests / intents.length,
      kmsRequests,
      writes,
    };
  } finally {
    client.destroy();
    kms.destroy();
    await Promise.all([dynamoDbLocal.stop(), kmsStub.stop()]);
  }
};

/** Prints a result the way `npm run bench` does. */
export const printDeliverBench = (result: DeliverBenchResult, concurrency: number): void => {
  const ops = [...result.dynamoRequests].map(([name, n]) => `${name.replace('Command', '')} ${(n / result.messages).toFixed(2)}`).join(', ');
  console.log(`deliver throughput:   ${result.messagesPerSecond.toLocaleString('en')} messages/s (${result.sent} of ${result.messages} sent in ${(result.elapsedMs / 1000).toFixed(1)} s, ${concurrency} invocations of ${BATCH} at once, DynamoDB Local, SNS in-process)`);
  console.log(`deliver DynamoDB:     ${result.requestsPerMessage.toFixed(2)} requests per message (${ops})`);
  const kmsOps = [...result.kmsRequests].map(([name, n]) => `${name.replace('Command', '')} ${(n / result.messages).toFixed(2)}`).join(', ');
  console.log(`deliver KMS:          ${kmsOps || 'none'} per message (sealed push endpoints, local KMS stub; the data-key cache is per user)`);
  const units = [...result.writes].map(([table, w]) => `${table.replace(/^bench-/, '')} ${(w.units / result.messages).toFixed(2)}`).join(', ');
  const total = [...result.writes.values()].reduce((sum, w) => sum + w.units, 0);
  console.log(`deliver write units:  ${(total / result.messages).toFixed(2)} per message sent (${units})`);
};

/** A zone where it is around midday now, so quiet hours never get in the way of the benchmark. */
const middayZone = (now: Date): string => {
  const hour = now.getUTCHours();
  const offset = ((12 - hour + 36) % 24) - 12; // -12 … +11
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`; // Etc/GMT signs are inverted
};

/** An SNS client that answers Publish in-process: the benchmark measures deliver, not the network to SNS. */
const answeringSnsClient = (): SNSClient => {
  const sns = new SNSClient({ region: DEFAULT_LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  let n = 0;
  sns.middlewareStack.add(() => async () => ({ output: { MessageId: `bench-${++n}`, isOptedOut: false, $metadata: {} }, response: {} }), {
    step: 'initialize',
    name: 'benchSnsAnswer',
  });
  return sns;
};

const sqsEvent = (intents: Intent[]): SQSEvent => ({
  Records: intents.map((intent, i) => ({
    messageId: `${intent.messageId}-${i}`,
    receiptHandle: `receipt-${intent.messageId}`,
    body: JSON.stringify(intent),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'bench', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:Intents',
    awsRegion: DEFAULT_LOCAL_REGION,
  })),
});

const lambdaContext = () =>
  ({
    functionName: 'deliver-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:deliver-bench',
    memoryLimitInMB: '512',
    awsRequestId: `bench-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/deliver-bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as never;

/** The tables deliver uses, with the key schemas the CDK app gives them (names.md). */
const createTables = async (client: DynamoDBClient) => {
  const table = (name: string, input: Omit<CreateTableCommandInput, 'TableName' | 'BillingMode'>) =>
    client.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', ...input }));
  await table('bench-Profiles', { AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }] });
  await table('bench-Messages', {
    AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  });
  // Rollout state and exposures (deliver looks a campaign's rollout up before it sends).
  await table('bench-Experiments', {
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  });
  // Funnel counters and touches (each decision's transaction writes them).
  await table('bench-Kpis', {
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  });
  // In-app messages (the bench's campaign sends push; deliver needs the table all the same).
  await table('bench-Inbox', {
    AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  });
  await table('bench-Campaigns', { AttributeDefinitions: [{ AttributeName: 'campaignId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'campaignId', KeyType: 'HASH' }] });
  await table('bench-Timers', {
    AttributeDefinitions: [
      { AttributeName: 'userId', AttributeType: 'S' },
      { AttributeName: 'key', AttributeType: 'S' },
      { AttributeName: 'shard', AttributeType: 'S' },
      { AttributeName: 'dueAt', AttributeType: 'N' },
    ],
    KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }, { AttributeName: 'key', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{ IndexName: TIMERS_BY_DUE_INDEX, KeySchema: [{ AttributeName: 'shard', KeyType: 'HASH' }, { AttributeName: 'dueAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
  });
  return {
    PROFILES_TABLE_NAME: 'bench-Profiles',
    MESSAGES_TABLE_NAME: 'bench-Messages',
    CAMPAIGNS_TABLE_NAME: 'bench-Campaigns',
    TIMERS_TABLE_NAME: 'bench-Timers',
    EXPERIMENTS_TABLE_NAME: 'bench-Experiments',
    KPIS_TABLE_NAME: 'bench-Kpis',
    INBOX_TABLE_NAME: 'bench-Inbox',
    DELIVERY_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:DeliveryEvents',
    PUSH_RATE_PER_SECOND: '100000',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
};

if (require.main === module) {
  const { values } = parseArgs({ options: { messages: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '8' } } });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
  const concurrency = Number(values.concurrency);
  benchDeliver({ messages: Number(values.messages), concurrency })
    .then((result) => printDeliverBench(result, concurrency))
    .catch((error) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exitCode = 1;
    });
}
