import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS's longest visibility timeout: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Sets when a failed record comes back: its visibility timeout, instead of the queue's default. For
 * records that failed only because the send rate was exhausted, so they return when a slot is likely.
 * The queue URL is looked up from the record's queue ARN once per queue (the function's event source
 * grants `sqs:GetQueueUrl` and `sqs:ChangeMessageVisibility`).
 */
export class SqsRetryDelay {
  readonly #urls = new Map<string, Promise<string>>();

  constructor(private readonly client: SQSClient) {}

  async delay(record: { eventSourceARN: string; receiptHandle: string }, delayMs: number): Promise<void> {
    const QueueUrl = await this.queueUrl(record.eventSourceARN);
    const VisibilityTimeout = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout }));
  }

  private queueUrl(queueArn: string): Promise<string> {
    let url = this.#urls.get(queueArn);
    if (!url) {
      // arn:aws:sqs:<region>:<account>:<name>
      const [, , , , account, name] = queueArn.split(':');
      url = this.client.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })).then(({ QueueUrl }) => {
        if (!QueueUrl) throw new Error(`no URL for queue ${name}`);
        return QueueUrl;
      });
      url.catch(() => this.#urls.delete(queueArn));
      this.#urls.set(queueArn, url);
    }
    return url;
  }
}
