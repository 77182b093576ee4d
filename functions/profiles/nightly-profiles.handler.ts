import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoProfileStore } from '../../layers/adapters/dynamo-profile-store';
import { DynamoTimerStore } from '../../layers/adapters/dynamo-timer-store';
import { systemClock, type Clock } from '../../layers/core/clock';
import { nightlyRescore, type RescoreResult } from '../../layers/core/profile/nightly-rescore';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { NIGHTLY_PROFILES_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface NightlyProfilesOverrides {
  dynamo?: DynamoDBDocumentClient;
  clock?: Clock;
}

export type NightlyProfilesResult = Omit<RescoreResult, 'breakpoints'> & { breakpoints: RescoreResult['breakpoints']; at: string };

/**
 * Scheduled nightly: RFM by population quintiles, then activity, lifecycle and tags for every profile,
 * and the timers of date-triggered campaigns (birthdays, expiries) for the next two days.
 * One invocation scans the whole table; that fits Lambda's 15 minutes up to roughly a million profiles
 * (see docs/profiles.md), beyond which it should become a Step Functions distributed map.
 */
export const createNightlyProfilesHandler = (env: Environment, overrides: NightlyProfilesOverrides = {}) => {
  const config = NIGHTLY_PROFILES_CONFIG.parse(env);
  const observability = createObservability('nightly-profiles');
  const { logger, metrics } = observability;
  const dynamo = overrides.dynamo ?? createAwsClients(observability.tracer).dynamo();
  const store = new DynamoProfileStore(dynamo, config.PROFILES_TABLE_NAME);
  const campaigns = new DynamoCampaignStore(dynamo, config.CAMPAIGNS_TABLE_NAME);
  const timers = new DynamoTimerStore(dynamo, config.TIMERS_TABLE_NAME);
  const clock = overrides.clock ?? systemClock;

  return withObservability(async (): Promise<NightlyProfilesResult> => {
    const now = clock();
    const dates = { campaigns: await campaigns.active(), timers, ...(config.DEFAULT_TIME_ZONE && { defaultTimeZone: config.DEFAULT_TIME_ZONE }) };
    const result = await nightlyRescore({ scan: () => store.scanAll(), profiles: store, now, currency: config.RFM_CURRENCY, dates });
    metrics.addMetric('ProfilesRescored', MetricUnit.Count, result.profiles);
    metrics.addMetric('RfmCustomers', MetricUnit.Count, result.customers);
    metrics.addMetric('DateTimersArmed', MetricUnit.Count, result.dateTimersArmed);
    logger.info('nightly profiles rescored', { ...result });
    return { ...result, at: now.toISOString() };
  }, observability);
};

export const handler = lazyHandler(() => createNightlyProfilesHandler(process.env));
