import type { Channel } from '../contract/pipeline-event';

/**
 * No rate-limit slot within the wait bound: the record goes back to the queue (or, after a few tries,
 * to a durable timer) and is retried later; nothing is lost and nothing was written.
 */
export class DeliveryRateLimitedError extends Error {
  override readonly name = 'DeliveryRateLimitedError';
  constructor(
    readonly channel: Channel,
    /** A lower bound on when a slot may be free again. */
    readonly retryAfterMs: number,
  ) {
    super(`the ${channel} send rate is exhausted; retry in ≥ ${retryAfterMs} ms`);
  }
}

/**
 * The provider refused this message for good (disabled endpoint, invalid number): retrying cannot
 * help, so the decision becomes a suppression with {@link code} as its detail.
 */
export class DeliverySendRejectedError extends Error {
  override readonly name = 'DeliverySendRejectedError';
  constructor(
    readonly code: string,
    readonly reason: 'ENDPOINT_DISABLED' | 'SMS_OPTED_OUT' | 'PROVIDER_REJECTED',
    options?: ErrorOptions,
  ) {
    super(`the provider rejected the message (${code})`, options);
  }
}

/**
 * The provider surely did not take the message (it answered with an error, or no connection was
 * made): the send is given back so the queue's retry may send it.
 */
export class DeliverySendFailedError extends Error {
  override readonly name = 'DeliverySendFailedError';
  constructor(
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(`the send failed (${code}); it will be retried`, options);
  }
}

/** Other sends to the same user kept changing their caps between read and write. */
export class DeliveryCapsContentionError extends Error {
  override readonly name = 'DeliveryCapsContentionError';
  constructor(
    readonly userId: string,
    readonly attempts: number,
  ) {
    super(`the caps of ${userId} changed during ${attempts} attempts; retry`);
  }
}
