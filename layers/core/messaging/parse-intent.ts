import type { Intent } from './intent';

/** A queue message that is not an intent: retrying cannot fix it, so it ends in the intents DLQ. */
export class InvalidIntentError extends Error {
  override readonly name = 'InvalidIntentError';
}

const REQUIRED_STRINGS = ['messageId', 'userId', 'campaignId', 'channel', 'occurrence', 'triggeredAt'] as const;

/** Parses an intents-queue message body. */
export const parseIntent = (body: string): Intent => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidIntentError('the message body is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new InvalidIntentError('the message body is not an object');
  const record = value as Record<string, unknown>;
  const missing = REQUIRED_STRINGS.filter((field) => typeof record[field] !== 'string' || record[field] === '');
  if (missing.length > 0) throw new InvalidIntentError(`the intent lacks ${missing.join(', ')}`);
  if (record.notBefore !== undefined && (typeof record.notBefore !== 'string' || Number.isNaN(Date.parse(record.notBefore)))) {
    throw new InvalidIntentError('the intent has a notBefore that is not an ISO-8601 time');
  }
  return { context: {}, ...record } as Intent;
};
