import type { Campaign } from '../campaigns/campaign';
import type { CampaignSource, IntentQueue } from '../ports';
import type { Profile } from '../profile/profile';
import type { BroadcastRecipients, BroadcastRuns } from './broadcast-run';
import type { Occurrence } from './occurrences';
import { broadcastIntent, planRecipients, type LeftOut } from './plan-recipients';

/** The Broadcast state machine's steps (functions/campaigns/broadcast-step.handler.ts), one pure-ish core each. */
export interface BroadcastStepDeps {
  campaigns: CampaignSource;
  runs: BroadcastRuns;
  recipients: BroadcastRecipients;
  intents: IntentQueue;
  /** One segment of a parallel scan of Profiles, a page at a time. */
  scanSegment: (segment: number, totalSegments: number) => AsyncIterable<Profile[]>;
  now: () => Date;
  defaultTimeZone?: string;
}

export interface OccurrenceRef {
  campaignId: string;
  occurrence: Occurrence;
}

/** The active broadcast campaign, or an error the state machine ends on (it was deactivated or changed). */
export class BroadcastNotActiveError extends Error {
  override readonly name = 'BroadcastNotActiveError';
}

const activeBroadcast = async (campaigns: CampaignSource, campaignId: string): Promise<Campaign | undefined> =>
  (await campaigns.active()).find((campaign) => campaign.id === campaignId && campaign.trigger.schedule !== undefined);

/** Plan: the run's record, and the scan segments to collect. */
export const planBroadcast = async (deps: BroadcastStepDeps, input: OccurrenceRef & { totalSegments: number }) => {
  if (!(await activeBroadcast(deps.campaigns, input.campaignId))) throw new BroadcastNotActiveError(`${input.campaignId} is not an active broadcast`);
  await deps.runs.start({ campaignId: input.campaignId, occurrence: input.occurrence, startedAt: deps.now().toISOString() });
  return { ...input, segments: Array.from({ length: input.totalSegments }, (_, segment) => segment) };
};

/** Collect: one scan segment's recipients, by wave, kept for the sends; the wave sizes go back to the machine. */
export const collectSegment = async (deps: BroadcastStepDeps, input: OccurrenceRef & { segment: number; totalSegments: number }) => {
  const campaign = await activeBroadcast(deps.campaigns, input.campaignId);
  if (!campaign) return { segment: input.segment, waves: {} as Record<string, number>, cancelled: true };
  const name = campaign.audience.importedSegment;
  const members = name === undefined ? undefined : ((await deps.recipients.importedSegment(name)) ?? new Set<string>());
  const waves: Record<string, string[]> = {};
  const leftOut: Partial<Record<LeftOut, number>> = {};
  let scanned = 0;
  for await (const page of deps.scanSegment(input.segment, input.totalSegments)) {
    scanned += page.length;
    const plan = planRecipients({ profiles: page, campaign, occurrence: input.occurrence, now: deps.now(), ...(members && { members }), ...(deps.defaultTimeZone && { defaultTimeZone: deps.defaultTimeZone }) });
    for (const [wave, users] of Object.entries(plan.waves)) (waves[wave] ??= []).push(...users);
    for (const [reason, count] of Object.entries(plan.leftOut) as [LeftOut, number][]) leftOut[reason] = (leftOut[reason] ?? 0) + count;
  }
  await deps.recipients.put(input.campaignId, input.occurrence, input.segment, waves);
  const sizes = Object.fromEntries(Object.entries(waves).map(([wave, users]) => [wave, users.length]));
  await deps.runs.add(input.campaignId, input.occurrence, { scanned, recipients: Object.values(sizes).reduce((a, b) => a + b, 0), leftOut });
  return { segment: input.segment, waves: sizes };
};

/** Waves: the segments' wave sizes as one list in send order, each with when its sends start. */
export const orderWaves = async (deps: BroadcastStepDeps, input: OccurrenceRef & { segments: number[]; collected: { waves: Record<string, number> }[] }) => {
  const totals = new Map<string, number>();
  for (const { waves } of input.collected) for (const [wave, count] of Object.entries(waves)) totals.set(wave, (totals.get(wave) ?? 0) + count);
  const waves = [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([at, recipients]) => ({ at, recipients }));
  await deps.runs.add(input.campaignId, input.occurrence, { waves: waves.length });
  await deps.runs.setStatus(input.campaignId, input.occurrence, 'sending', deps.now().toISOString());
  return { campaignId: input.campaignId, occurrence: input.occurrence, segments: input.segments, waves };
};

/** Send: one segment's recipients of one wave onto the intents queue; nothing once the campaign is cancelled. */
export const sendWave = async (deps: BroadcastStepDeps, input: OccurrenceRef & { segment: number; wave: string }) => {
  const campaign = await activeBroadcast(deps.campaigns, input.campaignId);
  if (!campaign) return { enqueued: 0, cancelled: true };
  const users = await deps.recipients.wave(input.campaignId, input.occurrence, input.segment, input.wave);
  if (users.length === 0) return { enqueued: 0 };
  const intents = users.map((userId) => broadcastIntent(campaign, userId, input.occurrence, input.wave));
  // Chunks in parallel: one SendMessageBatch after the other would cap a worker near a thousand a second.
  for (let start = 0; start < intents.length; start += ENQUEUE_CHUNK * ENQUEUE_PARALLEL) {
    const chunks = Array.from({ length: ENQUEUE_PARALLEL }, (_, i) => intents.slice(start + i * ENQUEUE_CHUNK, start + (i + 1) * ENQUEUE_CHUNK)).filter((chunk) => chunk.length > 0);
    await Promise.all(chunks.map((chunk) => deps.intents.enqueue(chunk)));
  }
  await deps.runs.add(input.campaignId, input.occurrence, { enqueued: users.length });
  return { enqueued: users.length };
};

/** Intents per enqueue call (ten SendMessageBatch requests), and calls in flight per worker. */
const ENQUEUE_CHUNK = 100;
const ENQUEUE_PARALLEL = 10;

/** Finish: the run is done, or cancelled when the campaign was deactivated while it ran. */
export const finishBroadcast = async (deps: BroadcastStepDeps, input: OccurrenceRef) => {
  const cancelled = !(await activeBroadcast(deps.campaigns, input.campaignId));
  await deps.runs.setStatus(input.campaignId, input.occurrence, cancelled ? 'cancelled' : 'done', deps.now().toISOString());
  return { ...input, status: cancelled ? 'cancelled' : 'done' };
};
