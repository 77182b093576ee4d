import type { Message } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** Where a message came from. */
export interface SqsRecordOrigin {
  readonly queueArn: string;
  readonly region: string;
}

/**
 * A received message in the shape Lambda delivers it: system attributes under `attributes`,
 * message attributes with lower-camel keys and base64 binaries, `eventSource` `aws:sqs`.
 */
export const toSqsRecord = (message: Message, origin: SqsRecordOrigin): SQSRecord => {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((binary) => Buffer.from(binary).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? String(Date.now()),
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    ...(system.SequenceNumber !== undefined && { SequenceNumber: system.SequenceNumber }),
    ...(system.MessageGroupId !== undefined && { MessageGroupId: system.MessageGroupId }),
    ...(system.MessageDeduplicationId !== undefined && { MessageDeduplicationId: system.MessageDeduplicationId }),
  };
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes !== undefined && { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: origin.queueArn,
    awsRegion: origin.region,
  };
};
