import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { pinLogicalId } from './logical-id';

/**
 * A dead-letter queue as every one in the stack is: SSE, TLS only, and 14 days (SQS's maximum) for
 * someone to look at what landed there before it is gone. Its logical ID is pinned to `id`.
 */
export const createDeadLetterQueue = (scope: Construct, id: string): sqs.Queue =>
  pinLogicalId(
    new sqs.Queue(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    }),
    id,
  );
