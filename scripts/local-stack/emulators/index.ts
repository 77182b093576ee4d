import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DirectPublishRecorder } from './direct-publish-recorder';
import { startDynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb-local';
import { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, type RunningEmulator } from './emulator';
import { startFauxqs } from './fauxqs-emulator';
import { startKinesalite } from './kinesalite-emulator';
import { startKmsStub } from './kms-stub';
import { startS3rver } from './s3rver-emulator';
import { startSnsDirectPublish } from './sns-direct-publish';

export { DirectPublishRecorder, type DirectPublish, type EndpointRejection, type WaitForPublishOptions } from './direct-publish-recorder';
export { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, type RunningEmulator } from './emulator';
export { findFreePort, LOOPBACK } from './free-port';

/** Options of {@link startEmulators}. */
export interface StartEmulatorsOptions {
  /** Region of every client and ARN. @default us-east-1 */
  readonly region?: string;
  /** DynamoDB Local's Java and install directory. */
  readonly dynamoDb?: DynamoDbLocalOptions;
}

/** The service endpoints, each `http://127.0.0.1:<port>`. */
export interface EmulatorEndpoints {
  /** DynamoDB Local. */
  readonly dynamodb: string;
  /** kinesalite. */
  readonly kinesis: string;
  /** fauxqs. */
  readonly sqs: string;
  /** The direct-publish stub, which forwards everything else to fauxqs. */
  readonly sns: string;
  /** s3rver. */
  readonly s3: string;
  /** The KMS stub (field encryption). */
  readonly kms: string;
}

/** A service the emulators stand in for; keys of {@link EmulatorEndpoints}. */
export type EmulatedService = keyof EmulatorEndpoints;

/** SDK v3 client settings for one emulated service. */
export interface EmulatorClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** HTTP/1.1: the Kinesis client would otherwise pick HTTP/2, which kinesalite cannot speak. */
  readonly requestHandler: NodeHttpHandler;
  /** The emulators answer at once; retries would only hide a broken setup. */
  readonly maxAttempts: number;
}

/** Running emulators; see {@link startEmulators}. */
export interface LocalEmulators {
  readonly endpoints: EmulatorEndpoints;
  readonly region: string;
  /** The account in every emulator ARN (`000000000000`). */
  readonly accountId: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Push and SMS publishes the local SNS endpoint accepted. */
  readonly directPublishes: DirectPublishRecorder;
  /** Config for `new DynamoDBClient(emulators.clientConfig('dynamodb'))` and the like. */
  clientConfig(service: EmulatedService): EmulatorClientConfig;
  /**
   * The variables that point an in-process handler's SDK clients at the emulators
   * (`AWS_ENDPOINT_URL_<SERVICE>`, region, credentials); merge them into its environment.
   */
  awsEnvironment(): Record<string, string>;
  /** Stops every emulator; safe to call twice; never rejects. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local, kinesalite, s3rver, fauxqs, the SNS direct-publish stub in front of fauxqs and the KMS stub, each on
 * a free 127.0.0.1 port. If one fails to start, the others are stopped and the first error is thrown.
 * Child processes are also killed when this process exits or is interrupted.
 */
export const startEmulators = async (options: StartEmulatorsOptions = {}): Promise<LocalEmulators> => {
  const region = options.region ?? DEFAULT_LOCAL_REGION;
  const identity = { region, accountId: LOCAL_ACCOUNT_ID };
  const started: RunningEmulator[] = [];
  const track = async <T extends RunningEmulator>(starting: Promise<T>): Promise<T> => {
    const emulator = await starting;
    started.push(emulator);
    return emulator;
  };
  const stopAll = async (): Promise<void> => {
    const stopping = started.splice(0).reverse();
    await Promise.allSettled(stopping.map((emulator) => emulator.stop()));
  };

  const results = await Promise.allSettled([
    track(startDynamoDbLocal(options.dynamoDb)),
    track(startKinesalite(identity)),
    track(startS3rver()),
    track(startKmsStub(identity)),
    track(startFauxqs(identity)).then((fauxqs) => track(startSnsDirectPublish({ upstream: fauxqs.endpoint })).then((sns) => ({ fauxqs, sns }))),
  ]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed || results.some((result) => result.status !== 'fulfilled')) {
    await stopAll();
    throw failed?.reason instanceof Error ? failed.reason : new Error(`an emulator failed to start: ${String(failed?.reason)}`);
  }
  const [dynamodb, kinesis, s3, kms, messaging] = results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
    RunningEmulator,
    RunningEmulator,
    RunningEmulator,
    RunningEmulator,
    { fauxqs: RunningEmulator; sns: RunningEmulator & { recorder: DirectPublishRecorder } },
  ];

  const endpoints: EmulatorEndpoints = { dynamodb: dynamodb.endpoint, kinesis: kinesis.endpoint, sqs: messaging.fauxqs.endpoint, sns: messaging.sns.endpoint, s3: s3.endpoint, kms: kms.endpoint };
  let stopped: Promise<void> | undefined;
  return {
    endpoints,
    region,
    accountId: LOCAL_ACCOUNT_ID,
    credentials: LOCAL_CREDENTIALS,
    directPublishes: messaging.sns.recorder,
    clientConfig: (service) => ({
      endpoint: endpoints[service],
      region,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 30_000 }),
      maxAttempts: 1,
    }),
    awsEnvironment: () => ({
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SNS: endpoints.sns,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_KMS: endpoints.kms,
    }),
    stop: () => (stopped ??= stopAll()),
  };
};
