import type { Intent } from '../messaging/intent';

/**
 * A durable per-user timer: "24 h after a purchase", "no login for 3 days", "viewed but not added to
 * the cart within 30 min", or an intent deferred out of quiet hours. Stored in the Timers table under
 * (`userId`, `key`) and swept by due time; never an in-memory sleep.
 */
export interface Timer {
  userId: string;
  /** One timer per key: `<campaignId>#<correlation value or ->`, or `defer#<messageId>`. Re-arming replaces it. */
  key: string;
  /** Identifies this arming (the insertId of the starting event); the fired intent's occurrence. */
  armId: string;
  /** Client time of the starting event, ISO-8601: an older arm or cancel never overrides a newer one. */
  armedAt: string;
  /** When it fires, ISO-8601. */
  dueAt: string;
  /** What is enqueued when it fires; its messageId is deterministic, so firing twice never sends twice. */
  intent: Intent;
}

/**
 * A change to the Timers table, decided by the pure trigger code and written after the profile (through
 * the profile's outbox), idempotently: applying a command twice, or an older one after a newer, changes nothing.
 */
export type TimerCommand =
  | { op: 'arm'; timer: Timer }
  /**
   * Cancels the timer under `key` if it was armed at or before `at` (the completing event's client time)
   * and was not yet due at `at`: a completion after the window is too late, however late the sweeper runs.
   */
  | { op: 'cancel'; userId: string; key: string; at: string }
  /**
   * Moves every timer of `userId` (an anonymous profile a user absorbed) to `toUserId`, with its intent
   * now for that user (the same message id). Applied after the other commands of its batch; a timer the
   * user already has under the same key, armed later, stays.
   */
  | { op: 'move'; userId: string; toUserId: string };
