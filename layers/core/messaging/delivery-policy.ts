import type { Channel } from '../contract/pipeline-event';
import { DEFAULT_QUIET_HOURS, isKnownTimeZone, parseQuietHours, type QuietHours } from './quiet-hours';

/** The rolling window every frequency cap counts over: exact, not calendar days. */
export const CAP_WINDOW_MS = 24 * 3_600_000;

/** Channels deliver can send on today. */
export type SendChannel = Extract<Channel, 'push' | 'sms' | 'in-app'>;

/**
 * Channels under the account's global rate limit: those that call a provider (SNS) with its own
 * throughput quota and price per message. An in-app message is one write to the Inbox table.
 */
export type RatedChannel = Extract<SendChannel, 'push' | 'sms'>;

export const isRatedChannel = (channel: SendChannel): channel is RatedChannel => channel !== 'in-app';

/**
 * Whether quiet hours hold a send on this channel. An in-app message waits, silently, in the inbox until
 * the user opens the app: quiet hours protect from being interrupted, and it interrupts nothing.
 */
export const keepsQuietHours = (channel: SendChannel): boolean => channel !== 'in-app';

/** Rules deliver applies to every campaign, from the function's environment. */
export interface DeliveryPolicy {
  quietHours: QuietHours;
  /** Used when a user's own zone is unknown; undefined = such users are never messaged (see docs/delivery.md). */
  defaultTimeZone?: string;
  /** Sends per user within {@link CAP_WINDOW_MS}, across all campaigns. */
  caps: { push: number; sms: number; 'in-app': number; marketing: number };
  /** Sends per second for the whole account, per channel that calls a provider. */
  ratePerSecond: Record<RatedChannel, number>;
  /** How long a record may wait for a rate-limit slot before it is handed back to the queue. */
  maxRateWaitMs: number;
  /**
   * Share of users (0–0.5) in the global holdout: never sent marketing, recorded as "would have been
   * sent" (`HOLDOUT`), the baseline every campaign's incrementality is measured against.
   */
  holdoutShare: number;
  /** Users the profile says are younger (birth date or age band) get no marketing (`MINOR`). */
  minimumMarketingAge: number;
}

/** A delivery setting in the environment is not usable. */
export class DeliveryConfigInvalidError extends Error {
  override readonly name = 'DeliveryConfigInvalidError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Longest wait for a rate-limit slot inside one invocation: well inside the 30 s function timeout. */
export const DEFAULT_MAX_RATE_WAIT_MS = 2_000;

export const DEFAULT_DELIVERY_SETTINGS = {
  QUIET_HOURS: DEFAULT_QUIET_HOURS,
  PUSH_RATE_PER_SECOND: 100,
  SMS_RATE_PER_SECOND: 20,
  PUSH_CAP_PER_24H: 3,
  MARKETING_CAP_PER_24H: 1,
  SMS_CAP_PER_24H: 1,
  IN_APP_CAP_PER_24H: 3,
  HOLDOUT_SHARE: 0,
  MINIMUM_MARKETING_AGE: 18,
} as const;

/**
 * Reads the delivery policy from the environment (optional variables; defaults in
 * {@link DEFAULT_DELIVERY_SETTINGS}). A bad value fails with the variable's name, at cold start.
 */
export const readDeliveryPolicy = (env: Record<string, string | undefined>): DeliveryPolicy => {
  const value = (name: keyof typeof DEFAULT_DELIVERY_SETTINGS): string => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? String(DEFAULT_DELIVERY_SETTINGS[name]) : raw.trim();
  };
  const count = (name: keyof typeof DEFAULT_DELIVERY_SETTINGS, min: number): number => {
    const raw = value(name);
    const parsed = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(parsed) || parsed < min) {
      throw new DeliveryConfigInvalidError(name, `must be a whole number ≥ ${min}, got "${raw}"`);
    }
    return parsed;
  };

  const share = (name: keyof typeof DEFAULT_DELIVERY_SETTINGS): number => {
    const raw = value(name);
    const parsed = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || parsed > 0.5) throw new DeliveryConfigInvalidError(name, `must be a share from 0 to 0.5, e.g. 0.05, got "${raw}"`);
    return parsed;
  };

  let quietHours: QuietHours;
  try {
    quietHours = parseQuietHours(value('QUIET_HOURS'));
  } catch (error) {
    throw new DeliveryConfigInvalidError('QUIET_HOURS', (error as Error).message);
  }
  const defaultTimeZone = env.DEFAULT_TIME_ZONE?.trim() || undefined;
  if (defaultTimeZone !== undefined && !isKnownTimeZone(defaultTimeZone)) {
    throw new DeliveryConfigInvalidError('DEFAULT_TIME_ZONE', `"${defaultTimeZone}" is not an IANA time zone (e.g. Europe/London)`);
  }
  return {
    quietHours,
    ...(defaultTimeZone !== undefined && { defaultTimeZone }),
    caps: { push: count('PUSH_CAP_PER_24H', 0), sms: count('SMS_CAP_PER_24H', 0), 'in-app': count('IN_APP_CAP_PER_24H', 0), marketing: count('MARKETING_CAP_PER_24H', 0) },
    ratePerSecond: { push: count('PUSH_RATE_PER_SECOND', 1), sms: count('SMS_RATE_PER_SECOND', 1) },
    maxRateWaitMs: DEFAULT_MAX_RATE_WAIT_MS,
    holdoutShare: share('HOLDOUT_SHARE'),
    minimumMarketingAge: count('MINIMUM_MARKETING_AGE', 0),
  };
};
