import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { pinLogicalId } from './logical-id';

/** SQS's maximum: the longest anyone gets to look at what landed in a DLQ before it is gone. */
export const DEFAULT_DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * A dead-letter queue as every one in the stack is: SSE, TLS only, and `retention`
 * (`pipeline:deadLetterRetentionDays`, 14 days by default). Its logical ID is pinned to `id`.
 */
export const createDeadLetterQueue = (scope: Construct, id: string, retention: Duration = DEFAULT_DEAD_LETTER_RETENTION): sqs.Queue =>
  pinLogicalId(
    new sqs.Queue(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: retention,
    }),
    id,
  );
