import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMS } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { awsClientConfig } from './aws-client-config';

/**
 * SDK v3 clients, created once per container and traced. Each is built on first use, so a function
 * only pays for the clients it needs.
 */
export const createAwsClients = (tracer?: Tracer) => {
  const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);
  return {
    dynamo: () =>
      DynamoDBDocumentClient.from(traced(new DynamoDBClient(awsClientConfig())), {
        marshallOptions: { removeUndefinedValues: true },
      }),
    kinesis: () => traced(new KinesisClient(awsClientConfig())),
    firehose: () => traced(new FirehoseClient(awsClientConfig())),
    sqs: () => traced(new SQSClient(awsClientConfig())),
    sns: () => traced(new SNSClient(awsClientConfig())),
    s3: () => traced(new S3Client(awsClientConfig())),
    /** The aggregated client: the Encryption SDK's KMS keyring calls its methods. */
    kms: () => traced(new KMS(awsClientConfig())),
  };
};
