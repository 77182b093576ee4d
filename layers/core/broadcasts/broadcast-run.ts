import type { LeftOut } from './plan-recipients';
import type { Occurrence } from './occurrences';

export type BroadcastStatus = 'planning' | 'sending' | 'done' | 'cancelled';

/** One occurrence of a broadcast as its progress record holds it (`npm run broadcasts -- status`). */
export interface BroadcastRun {
  campaignId: string;
  occurrence: Occurrence;
  status: BroadcastStatus;
  startedAt: string;
  finishedAt?: string;
  /** Profiles read by the fan-out's scan. */
  scanned: number;
  /** Users planned to receive it, in waves by send time. */
  recipients: number;
  /** Intents enqueued so far (deliver then sends, defers or suppresses each, in the ledger). */
  enqueued: number;
  waves: number;
  /** Scanned profiles that are not recipients, by reason. */
  leftOut: Partial<Record<LeftOut, number>>;
}

/** The broadcasts' progress records (in the Experiments table, beside the rollouts' state). */
export interface BroadcastRuns {
  /** Creates the record of an occurrence; false when it exists (the occurrence was started before). */
  start(run: Pick<BroadcastRun, 'campaignId' | 'occurrence' | 'startedAt'>): Promise<boolean>;
  /** Adds to the counters (atomic: the fan-out's workers report concurrently). */
  add(campaignId: string, occurrence: Occurrence, counts: Partial<Pick<BroadcastRun, 'scanned' | 'recipients' | 'enqueued' | 'waves'>> & { leftOut?: BroadcastRun['leftOut'] }): Promise<void>;
  setStatus(campaignId: string, occurrence: Occurrence, status: BroadcastStatus, at: string): Promise<void>;
  get(campaignId: string, occurrence: Occurrence): Promise<BroadcastRun | undefined>;
  /** The campaign's runs, newest occurrence first. */
  list(campaignId: string): Promise<BroadcastRun[]>;
}

/** Where the fan-out keeps each scan segment's recipients between planning and sending (S3). */
export interface BroadcastRecipients {
  put(campaignId: string, occurrence: Occurrence, segment: number, waves: Record<string, string[]>): Promise<void>;
  /** The segment's recipients of one wave ([] when it has none). */
  wave(campaignId: string, occurrence: Occurrence, segment: number, wave: string): Promise<string[]>;
  /** The user ids of an imported segment (`segments/<name>.csv`); undefined when there is no such list. */
  importedSegment(name: string): Promise<ReadonlySet<string> | undefined>;
}

/** Starts the fan-out of an occurrence (the Broadcast state machine); idempotent per occurrence. */
export interface BroadcastStarter {
  start(campaignId: string, occurrence: Occurrence): Promise<{ started: boolean }>;
}
