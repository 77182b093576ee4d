import { cellOf, type KpiIncrement } from './funnel';

/** A message SNS reports on, as deliver recorded it when the provider took it. */
export interface SentRef {
  providerMessageId: string;
  campaignId: string;
  channel: string;
  variant: string;
  /** When it went out (its funnel time), ISO-8601. */
  at: string;
}

/** One delivery status SNS logged: delivered to the device's push service or the phone's carrier, or not. */
export interface DeliveryStatus {
  providerMessageId: string;
  delivered: boolean;
}

/**
 * Reads one SNS delivery status log line (`{"notification":{"messageId"…},"delivery":{…},"status":
 * "SUCCESS"|"FAILURE"}`, the format of SMS and mobile push delivery logging in CloudWatch Logs).
 * Anything else is undefined: the log groups are SNS's, and a line this code cannot read is skipped.
 */
export const parseDeliveryStatus = (line: string): DeliveryStatus | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const record = value as { notification?: { messageId?: unknown }; status?: unknown } | null;
  const id = record?.notification?.messageId;
  if (typeof id !== 'string' || (record?.status !== 'SUCCESS' && record?.status !== 'FAILURE')) return undefined;
  return { providerMessageId: id, delivered: record.status === 'SUCCESS' };
};

/** What a status adds to the send's own cell: `delivered` or `deliveryFailed`, in the quarter-hour it was sent. */
export const countDeliveryStatus = (sent: SentRef, status: DeliveryStatus): KpiIncrement => ({
  cell: cellOf(sent.campaignId, sent.at, sent.channel, sent.variant),
  add: { [status.delivered ? 'delivered' : 'deliveryFailed']: 1 },
});
