import type { IngestedEvent, PipelineEvent } from '../../layers/core/contract/pipeline-event';
import { profileKeyOf } from '../../layers/core/contract/pipeline-event';
import { deriveProfile } from '../../layers/core/profile/derive-profile';
import { foldProfile } from '../../layers/core/profile/fold-profile';
import { emptyProfile, type Profile } from '../../layers/core/profile/profile';

export interface FoldBenchResult {
  events: number;
  profiles: number;
  batches: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

/**
 * The core fold alone, no I/O: events in stream order, cut into Kinesis-sized batches, grouped by user
 * and folded (with the derivation process-events does on every write), exactly as process-events does.
 */
export const benchFold = (events: readonly PipelineEvent[], batchSize = 500, now = new Date('2011-12-10T00:00:00Z')): FoldBenchResult => {
  const ingested: IngestedEvent[] = events.map((event) => ({ ...event, receivedAt: now.toISOString() }));
  const profiles = new Map<string, Profile>();
  let batches = 0;
  const started = process.hrtime.bigint();
  for (let start = 0; start < ingested.length; start += batchSize) {
    batches++;
    const byUser = new Map<string, IngestedEvent[]>();
    for (const event of ingested.slice(start, start + batchSize)) {
      const key = profileKeyOf(event);
      const list = byUser.get(key);
      if (list) list.push(event);
      else byUser.set(key, [event]);
    }
    for (const [userId, userEvents] of byUser) {
      const { profile, applied } = foldProfile(profiles.get(userId) ?? emptyProfile(userId), userEvents);
      profiles.set(userId, applied.length > 0 ? deriveProfile(profile, now) : profile);
    }
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { events: events.length, profiles: profiles.size, batches, elapsedMs, eventsPerSecond: Math.round(events.length / (elapsedMs / 1000)) };
};
