import { ProfileVersionConflictError } from '../../layers/core/errors';
import type { Intent } from '../../layers/core/messaging/intent';
import { receiptKeyOf, type ConsentReceipt } from '../../layers/core/consent/consent-statements';
import { archiveLineOf } from '../../layers/core/archive/archive-lines';
import type { IngestedEvent } from '../../layers/core/contract/pipeline-event';
import type { ConsentReceipts, EventArchive, IntentQueue, ProfileStore } from '../../layers/core/ports';
import type { Profile } from '../../layers/core/profile/profile';

/** A profile store with the same version semantics as the DynamoDB adapter, in memory. */
export class InMemoryProfileStore implements ProfileStore {
  readonly items = new Map<string, Profile>();
  writes = 0;
  /** Called before each save; lets a test play a concurrent writer. */
  beforeSave?: (profile: Profile) => void;

  async load(userId: string) {
    const item = this.items.get(userId);
    return item && structuredClone(item);
  }
  async loadMany(userIds: readonly string[]) {
    const found = new Map<string, Profile>();
    for (const id of userIds) {
      const item = this.items.get(id);
      if (item) found.set(id, structuredClone(item));
    }
    return found;
  }
  async save(profile: Profile, expectedVersion: number) {
    this.beforeSave?.(profile);
    if ((this.items.get(profile.userId)?.version ?? 0) !== expectedVersion) {
      throw new ProfileVersionConflictError(profile.userId, expectedVersion);
    }
    this.writes++;
    this.items.set(profile.userId, structuredClone(profile));
  }
  async saveMerged(profile: Profile, expectedVersion: number, tombstones: readonly { profile: Profile; expectedVersion: number }[]) {
    this.beforeSave?.(profile);
    for (const write of [{ profile, expectedVersion }, ...tombstones]) {
      if ((this.items.get(write.profile.userId)?.version ?? 0) !== write.expectedVersion) {
        throw new ProfileVersionConflictError(write.profile.userId, write.expectedVersion);
      }
    }
    this.writes += 1 + tombstones.length;
    for (const write of [{ profile }, ...tombstones]) this.items.set(write.profile.userId, structuredClone(write.profile));
  }
  async clearOutbox(userId: string, version: number) {
    const item = this.items.get(userId);
    if (item?.version === version) {
      item.outbox = [];
      item.timerOutbox = [];
    }
  }
}

export class InMemoryIntentQueue implements IntentQueue {
  readonly sent: Intent[] = [];
  failNext = 0;
  async enqueue(intents: readonly Intent[]) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('queue unavailable');
    }
    this.sent.push(...intents);
  }
}

// The delivery fakes (ledger, senders, outcomes, limiter) are in delivery-fakes.ts.

/** Consent receipts with the Consents table's key and its append-only rule (the first receipt of a key stays). */
export class InMemoryConsentReceipts implements ConsentReceipts {
  readonly items = new Map<string, ConsentReceipt>();

  async record(userId: string, statements: Parameters<ConsentReceipts['record']>[1]) {
    let written = 0;
    for (const statement of statements) {
      const receipt = receiptKeyOf(statement);
      const key = `${userId}\u0000${receipt}`;
      if (this.items.has(key)) continue;
      this.items.set(key, { userId, receipt, ...statement });
      written++;
    }
    return { written };
  }
  async history(userId: string) {
    return [...this.items.values()].filter((r) => r.userId === userId).sort((a, b) => a.receipt.localeCompare(b.receipt));
  }
}

/** The events archive as the lines it would hold, in put order. */
export class InMemoryEventArchive implements EventArchive {
  readonly lines: string[] = [];
  puts = 0;
  /** Set to make the next put throw, as Firehose refusing past the retries would. */
  failNext?: Error;

  async put(events: readonly IngestedEvent[]) {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    this.puts++;
    const lines = events.map(archiveLineOf);
    this.lines.push(...lines);
    return { records: 1, bytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0) };
  }
  insertIds(): string[] {
    return this.lines.map((line) => (JSON.parse(line) as IngestedEvent).insertId);
  }
}
