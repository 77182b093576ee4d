import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { LocalEmulators } from '../../../../scripts/local-stack/emulators';
import { DEFAULT_LOCAL_REGION, LOCAL_CREDENTIALS } from '../../../../scripts/local-stack/emulators/emulator';

/** Real SDK v3 clients for every emulator. */
export const clientsFor = (emulators: LocalEmulators) => ({
  dynamodb: new DynamoDBClient(emulators.clientConfig('dynamodb')),
  kinesis: new KinesisClient(emulators.clientConfig('kinesis')),
  sqs: new SQSClient(emulators.clientConfig('sqs')),
  sns: new SNSClient(emulators.clientConfig('sns')),
  s3: new S3Client(emulators.clientConfig('s3')),
});

/** Settings for a client of one emulator started on its own (HTTP/1.1 for kinesalite). */
export const clientConfig = (endpoint: string) => ({
  endpoint,
  region: DEFAULT_LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  requestHandler: new NodeHttpHandler(),
  maxAttempts: 1,
});

/** The account and region the emulators put in ARNs. */
export const LOCAL_IDENTITY = { region: DEFAULT_LOCAL_REGION, accountId: '000000000000' } as const;
