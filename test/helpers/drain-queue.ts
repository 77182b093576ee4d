import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The messages waiting in a test's queue, taken off it: received and deleted, so a slow test never sees
 * them again when their visibility timeout ends (30 s by default).
 */
export const drainQueue = async (sqs: SQSClient, queueUrl: string): Promise<string[]> => {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  if (Messages.length > 0) {
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return Messages.map((m) => m.Body ?? '');
};
