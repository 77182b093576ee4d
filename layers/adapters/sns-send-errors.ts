import { DeliverySendFailedError, DeliverySendRejectedError } from '../core/messaging/errors';

/** SNS errors that say this message can never be delivered to this address. */
const REJECTIONS: Record<string, DeliverySendRejectedError['reason']> = {
  EndpointDisabledException: 'ENDPOINT_DISABLED',
  EndpointDisabled: 'ENDPOINT_DISABLED',
  OptedOutException: 'SMS_OPTED_OUT',
  OptedOut: 'SMS_OPTED_OUT',
  InvalidParameterException: 'PROVIDER_REJECTED',
  InvalidParameter: 'PROVIDER_REJECTED',
  InvalidParameterValueException: 'PROVIDER_REJECTED',
  ParameterValueInvalid: 'PROVIDER_REJECTED',
  NotFoundException: 'PROVIDER_REJECTED',
  NotFound: 'PROVIDER_REJECTED',
  PlatformApplicationDisabledException: 'PROVIDER_REJECTED',
  PlatformApplicationDisabled: 'PROVIDER_REJECTED',
};

/** Socket errors raised before a request could reach SNS: surely not sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Turns an SNS Publish failure into what deliver needs to know: rejected for good
 * ({@link DeliverySendRejectedError}), surely not sent ({@link DeliverySendFailedError}: SNS answered
 * with an error, or no connection was made), or — returned unchanged — unknown: the request may have
 * reached SNS (a timeout, a reset connection), so it must not be retried.
 *
 * The classified errors carry SNS's error code only, not its message or the original error as `cause`:
 * SNS messages quote the endpoint ARN or the phone number, which must never reach a log.
 */
export const classifySnsPublishError = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const details = error as Error & { Code?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  const code = details.Code ?? details.name;
  const rejection = REJECTIONS[code] ?? REJECTIONS[details.name];
  if (rejection) return new DeliverySendRejectedError(code, rejection);
  if (details.$metadata?.httpStatusCode !== undefined && details.$metadata.httpStatusCode >= 400) {
    return new DeliverySendFailedError(code);
  }
  if (details.code && NOT_CONNECTED.has(details.code)) return new DeliverySendFailedError(details.code);
  return error;
};
