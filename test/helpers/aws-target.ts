import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { KMS } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startEmulators, type DirectPublishRecorder, type EmulatedService } from '../../scripts/local-stack/emulators';
import { synthesizePipelineTemplate } from '../../scripts/local-stack/pipeline-template';
import { provisionFromTemplate, type ProvisionedStack } from '../../scripts/local-stack/provision-from-template';

/**
 * `describe` for suites that need AWS services, or `describe.skip` when the requested target cannot run
 * here (TEST_TARGET=localstack without a Docker engine: global-setup printed why).
 */
export const describeWithAws: jest.Describe = process.env.INTEGRATION_SKIP_REASON ? describe.skip : describe;

/** Real AWS wire protocols to test against: the local emulators, or LocalStack when asked for. */
export interface AwsTarget {
  readonly kind: 'emulators' | 'localstack';
  readonly region: string;
  readonly accountId: string;
  /** Push/SMS publishes, recorded by the local SNS stub (undefined on LocalStack). */
  readonly directPublishes?: DirectPublishRecorder;
  readonly clients: { dynamodb: DynamoDBClient; document: DynamoDBDocumentClient; kinesis: KinesisClient; sqs: SQSClient; sns: SNSClient; s3: S3Client; kms: KMS };
  stop(): Promise<void>;
}

const LOCALSTACK_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export const startAwsTarget = async (): Promise<AwsTarget> => {
  const localstack = process.env.LOCALSTACK_ENDPOINT;
  if (localstack) {
    const config = () => ({ endpoint: localstack, region: 'us-east-1', credentials: LOCALSTACK_CREDENTIALS, requestHandler: new NodeHttpHandler() });
    const clients = createClients(config);
    return { kind: 'localstack', region: 'us-east-1', accountId: '000000000000', clients, stop: async () => destroyClients(clients) };
  }
  const emulators = await startEmulators();
  const clients = createClients((service) => emulators.clientConfig(service));
  return {
    kind: 'emulators',
    region: emulators.region,
    accountId: emulators.accountId,
    directPublishes: emulators.directPublishes,
    clients,
    stop: async () => {
      destroyClients(clients);
      await emulators.stop();
    },
  };
};

/** Closes the clients' keep-alive sockets, so the test process can exit. */
const destroyClients = (clients: AwsTarget['clients']) => {
  for (const client of [clients.dynamodb, clients.kinesis, clients.sqs, clients.sns, clients.s3, clients.kms]) client.destroy();
};

const createClients = (config: (service: EmulatedService) => object): AwsTarget['clients'] => {
  const dynamodb = new DynamoDBClient(config('dynamodb'));
  return {
    dynamodb,
    document: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    kinesis: new KinesisClient(config('kinesis')),
    sqs: new SQSClient(config('sqs')),
    sns: new SNSClient(config('sns')),
    // Path-style: LocalStack's endpoint is a host name, where the SDK would otherwise try virtual-hosted buckets.
    s3: new S3Client({ ...config('s3'), forcePathStyle: true }),
    kms: new KMS(config('kms')),
  };
};

let template: ReturnType<typeof synthesizePipelineTemplate> | undefined;

/**
 * Creates the pipeline's tables, stream, queues and topics from its synthesized template, with a name
 * prefix so test files never share state.
 */
export const provisionPipeline = async (target: AwsTarget, namePrefix: string): Promise<ProvisionedStack> => {
  template ??= synthesizePipelineTemplate();
  const { dynamodb, kinesis, sqs, sns, s3 } = target.clients;
  return provisionFromTemplate(template.template, { dynamodb, kinesis, sqs, sns, s3 }, {
    namePrefix,
    region: target.region,
    accountId: target.accountId,
    stackName: template.stackName,
  });
};

/** The local name of a provisioned resource, by logical ID; throws if the template has no such resource. */
export const resourceOf = (stack: ProvisionedStack, logicalId: string) => {
  const resource = stack.resources[logicalId];
  if (!resource) throw new Error(`the pipeline template has no ${logicalId}`);
  return resource;
};
