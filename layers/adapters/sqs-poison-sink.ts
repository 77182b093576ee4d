import type { SQSClient } from '@aws-sdk/client-sqs';
import type { PoisonRecord } from '../core/contract/decode-records';
import type { PoisonSink } from '../core/ports';
import { sendAllToQueue } from './sqs-batch-sender';

/**
 * Parks undecodable or invalid stream records in the events dead-letter queue, with the reason and the
 * record itself so it can be fixed and replayed. (The queue is not a log: it may hold the event.)
 */
export class SqsPoisonSink implements PoisonSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  park(records: readonly PoisonRecord[]): Promise<void> {
    return sendAllToQueue(
      this.client,
      this.queueUrl,
      records.map((record) => JSON.stringify({ kind: 'PoisonRecord', ...record })),
    );
  }
}
