import type { SubjectStoreName } from '../layers/core/compliance/subject-stores';

/** How a store of the template takes part in data-subject requests: its handlers, or why it needs none. */
export type SubjectCoverage = { readonly handledBy: readonly SubjectStoreName[] } | { readonly exempt: string };

/**
 * Every table, bucket, stream and queue of the stack, by logical id. test/infra/data-subject-coverage.test.ts
 * fails when the template has a store this map does not name, so a new store cannot be forgotten by
 * the export and the erasure: it gets a handler (layers/core/compliance/subject-stores.ts and the
 * DataRequest workflow) or an exemption with its reason here, which docs/compliance.md repeats.
 */
export const DATA_SUBJECT_COVERAGE: Readonly<Record<string, SubjectCoverage>> = {
  Profiles: { handledBy: ['profiles'] },
  Consents: { handledBy: ['consents'] },
  Messages: { handledBy: ['messages'] },
  Timers: { handledBy: ['timers'] },
  Experiments: { handledBy: ['experiments'] },
  Kpis: { handledBy: ['kpis'] },
  Inbox: { handledBy: ['inbox'] },
  // Also deletions/ (markers named by hash), training/ (no user data) and personalize-deletions/ (the
  // workflow deletes its file when Personalize's job is over).
  Models: { handledBy: ['archive', 'decisions', 'personalize-exports', 'models'] },
  // Also broadcasts/ (recipient lists of a broadcast, user ids, expired after 7 days: within a request's
  // deadline) and segments/ (imported segments: the team's own uploads, which it edits at the source).
  Reports: { handledBy: ['exports'] },
  Campaigns: { exempt: 'campaign definitions and their state: no user data' },
  Audit: { exempt: 'names users only as a sha256 hash of their id, and is kept 400 days as the record of who did what, this erasure included' },
  AnalyticsResults: { exempt: 'Athena query results, written by the team\'s queries and expired after 30 days' },
  Events: { exempt: 'records expire with the stream\'s retention (24 hours by default); each is processed within minutes, before the erasure\'s second sweep' },
  Intents: { exempt: 'intents are consumed within seconds; any still queued are deleted by SQS after 4 days, and deliver finds no profile to send to' },
  IntentsDlq: { exempt: 'expires after 14 days; the on-call redrives or purges it, and a redriven intent finds no profile' },
  EventsDlq: { exempt: 'expires after 14 days; the on-call redrives or purges it, and a redriven record would be erased by a new request' },
  DeliveryStatusDlq: { exempt: 'SNS delivery status batches, expired after 14 days; they cannot be selected by user' },
  SweepTimersScheduleDlq: { exempt: 'scheduler ticks: no user data' },
  NightlyProfilesScheduleDlq: { exempt: 'scheduler ticks: no user data' },
  RetrainModelScheduleDlq: { exempt: 'scheduler ticks: no user data' },
  MeasurementScheduleDlq: { exempt: 'scheduler ticks: no user data' },
  BroadcastSchedulerScheduleDlq: { exempt: 'scheduler ticks: no user data' },
};
