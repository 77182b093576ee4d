import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { SfnBroadcastStarter } from '../../layers/adapters/sfn-broadcast-starter';
import type { BroadcastStarter } from '../../layers/core/broadcasts/broadcast-run';
import { startDueBroadcasts } from '../../layers/core/broadcasts/start-due-broadcasts';
import { systemClock, type Clock } from '../../layers/core/clock';
import { awsClientConfig } from '../../layers/runtime/aws-client-config';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { BROADCAST_SCHEDULER_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface BroadcastSchedulerOverrides {
  dynamo?: DynamoDBDocumentClient;
  clock?: Clock;
  /** The local stack runs the state machine itself. */
  starter?: BroadcastStarter;
}

/** Every few minutes: starts the fan-out of each broadcast occurrence whose time has come (once each). */
export const createBroadcastSchedulerHandler = (env: Environment, overrides: BroadcastSchedulerOverrides = {}) => {
  const config = BROADCAST_SCHEDULER_CONFIG.parse(env);
  const observability = createObservability('broadcast-scheduler');
  const { logger, metrics, tracer } = observability;
  const campaigns = new DynamoCampaignStore(overrides.dynamo ?? createAwsClients(tracer).dynamo(), config.CAMPAIGNS_TABLE_NAME);
  const starter = overrides.starter ?? new SfnBroadcastStarter(tracer.captureAWSv3Client(new SFNClient(awsClientConfig())), config.BROADCAST_STATE_MACHINE_ARN);
  const clock = overrides.clock ?? systemClock;

  return withObservability(async () => {
    const result = await startDueBroadcasts({ campaigns, starter, now: clock() });
    metrics.addMetric('BroadcastsStarted', MetricUnit.Count, result.started.length);
    if (result.started.length > 0) logger.info('broadcasts started', { started: result.started });
    return result;
  }, observability);
};

export const handler = lazyHandler(() => createBroadcastSchedulerHandler(process.env));
