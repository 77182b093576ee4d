import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { PartialWriteError } from '../core/errors';
import { retryRefused } from './retry-policy';

/** SendMessageBatch's limit. */
const MAX_ENTRIES_PER_CALL = 10;

/**
 * Sends messages to a queue in batches of ten, retrying the entries SQS refuses; throws if any are still
 * refused, never reporting a message as sent when it was not.
 */
export const sendAllToQueue = async (
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  options: { maxAttempts?: number; startingDelayMs?: number } = {},
): Promise<void> => {
  const entries = bodies.map((body, i): SendMessageBatchRequestEntry => ({ Id: String(i), MessageBody: body }));
  for (let start = 0; start < entries.length; start += MAX_ENTRIES_PER_CALL) {
    const errorCodes: string[] = [];
    const refused = await retryRefused(
      entries.slice(start, start + MAX_ENTRIES_PER_CALL),
      async (pending) => {
        const { Failed = [] } = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [...pending] }));
        const failedIds = new Set(Failed.map((f) => { errorCodes.push(f.Code ?? 'Unknown'); return f.Id; }));
        return pending.filter((entry) => failedIds.has(entry.Id));
      },
      options,
    );
    if (refused.length > 0) throw new PartialWriteError(queueUrl, refused.length, errorCodes);
  }
};
