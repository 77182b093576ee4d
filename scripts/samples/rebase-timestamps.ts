/** A batch of events as the samples in events/samples/ hold them. */
export interface SampleBatch {
  events: { timestamp?: string; [key: string]: unknown }[];
}

/**
 * The batch with its timestamps moved so the latest is `now`, the gaps between events kept. The
 * samples carry fixed dates for the tests; posted as they are months later, their triggers would be
 * too old to arm (docs/triggers.md, late events), so the demo posts them as if they just happened.
 */
export const rebaseTimestamps = (batch: SampleBatch, now: Date): SampleBatch => {
  const times = batch.events.map((event) => Date.parse(event.timestamp ?? '')).filter((ms) => Number.isFinite(ms));
  if (times.length === 0) return batch;
  const shift = now.getTime() - Math.max(...times);
  return {
    ...batch,
    events: batch.events.map((event) => {
      const ms = Date.parse(event.timestamp ?? '');
      return Number.isFinite(ms) ? { ...event, timestamp: new Date(ms + shift).toISOString() } : event;
    }),
  };
};
