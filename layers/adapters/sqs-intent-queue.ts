import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Intent } from '../core/messaging/intent';
import type { IntentQueue } from '../core/ports';
import { sendAllToQueue } from './sqs-batch-sender';

/** The intents queue that feeds deliver. */
export class SqsIntentQueue implements IntentQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(intents: readonly Intent[]): Promise<void> {
    return sendAllToQueue(this.client, this.queueUrl, intents.map((intent) => JSON.stringify(intent)));
  }
}
