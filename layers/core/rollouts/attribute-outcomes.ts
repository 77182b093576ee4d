import type { PipelineEvent } from '../contract/pipeline-event';
import type { ExposureLog } from '../ports';
import type { Exposure } from './exposure';

/** Event types that can be an outcome of an exposure. */
const OUTCOME_EVENTS = new Set<PipelineEvent['type']>(['purchase', 'push_open', 'sms_click', 'in_app_click']);

export interface AttributionResult {
  conversions: number;
  clicks: number;
  /** Users whose outcomes could not be written (their records are retried). */
  failed: Map<string, unknown>;
}

/**
 * Attributes purchases (conversions) and message opens/clicks to the rollouts the user was exposed to:
 * a purchase between the exposure and `attributionWindowMs` after the latest exposure converts the user's
 * arm; an open or click of one of the run's messages counts as a click. Each at most once per user and run
 * (the store's condition), so replayed batches count nothing twice. A user whose write fails is reported,
 * not thrown: the others' outcomes stand.
 */
export const attributeOutcomes = async (events: readonly { profileKey: string; event: PipelineEvent }[], exposures: ExposureLog): Promise<AttributionResult> => {
  const byUser = new Map<string, PipelineEvent[]>();
  for (const { profileKey, event } of events) {
    if (OUTCOME_EVENTS.has(event.type)) byUser.set(profileKey, [...(byUser.get(profileKey) ?? []), event]);
  }
  const result: AttributionResult = { conversions: 0, clicks: 0, failed: new Map() };
  await Promise.all(
    [...byUser].map(async ([userId, outcomes]) => {
      try {
        const exposed = await exposures.exposuresOf(userId);
        for (const exposure of exposed) {
          const conversion = outcomes.find((event) => event.type === 'purchase' && withinWindow(exposure, event.timestamp));
          if (conversion && !exposure.convertedAt && (await exposures.recordOutcome(exposure, 'converted', conversion.timestamp))) result.conversions++;
          const click = outcomes.find((event) => event.type !== 'purchase' && clickedMessage(exposure, event));
          if (click && !exposure.clickedAt && (await exposures.recordOutcome(exposure, 'clicked', click.timestamp))) result.clicks++;
        }
      } catch (error) {
        result.failed.set(userId, error);
      }
    }),
  );
  return result;
};

const withinWindow = (exposure: Exposure, at: string): boolean => {
  const time = Date.parse(at);
  return time >= Date.parse(exposure.exposedAt) && time <= Date.parse(exposure.lastExposedAt) + exposure.attributionWindowMs;
};

const clickedMessage = (exposure: Exposure, event: PipelineEvent): boolean => {
  const messageId = (event.properties as { messageId?: unknown } | undefined)?.messageId;
  return typeof messageId === 'string' && exposure.messageIds.includes(messageId);
};
