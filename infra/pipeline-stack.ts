import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { resolvePipelineConfig, type PipelineConfig } from './config';
import { Analytics } from './constructs/analytics';
import { CampaignTimers } from './constructs/campaign-timers';
import { Dashboard } from './constructs/dashboard';
import { Ingest } from './constructs/ingest';
import { Measurement } from './constructs/measurement';
import { Messaging } from './constructs/messaging';
import { Observability } from './constructs/observability';
import { Processing } from './constructs/processing';
import { NIGHTLY_PROFILES_TIMEOUT, ProfileScoring } from './constructs/profile-scoring';
import { Audit } from './constructs/audit';
import { ProfileStore } from './constructs/profile-store';
import { Recommendations } from './constructs/recommendations';
import { Rollouts } from './constructs/rollouts';
import { Broadcasts } from './constructs/broadcasts';
import { DataRequests } from './constructs/data-requests';
import { AdminApi } from './constructs/admin-api';
import { Inbox } from './constructs/inbox';
import { applyCustomerManagedKey } from './customer-managed-keys';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { FunctionDefaults } from './create-function';

/** Props of {@link MarketingPipelineStack}. */
export interface MarketingPipelineStackProps extends StackProps {
  /** Settings that win over context and defaults (see `PipelineConfig`). */
  readonly config?: Partial<PipelineConfig>;
}

/**
 * The whole pipeline in one stack: one construct per capability, each handed only the resources it
 * uses, wired in data-flow order (store → ingest → messaging → processing → campaign timers → profile
 * scoring → observability → dashboard).
 */
export class MarketingPipelineStack extends Stack {
  /** The settings the stack was built with, after defaults, context and props. */
  readonly config: PipelineConfig;
  /** Tables `Profiles`, `Messages`, `Campaigns` and `Timers`. */
  readonly profileStore: ProfileStore;
  readonly audit: Audit;
  /** API, ingest function and `Events` stream. */
  readonly ingest: Ingest;
  /** `Intents`, deliver function, `DeliveryEvents` and `Alerts`. */
  readonly messaging: Messaging;
  /** process-events function and `EventsDlq`. */
  readonly processing: Processing;
  /** sweep-timers function, its every-minute schedule and `SweepTimersScheduleDlq`. */
  readonly campaignTimers: CampaignTimers;
  /** nightly-profiles function, its schedule and `NightlyProfilesScheduleDlq`. */
  readonly profileScoring: ProfileScoring;
  /** `Models` bucket, the events archive, retrain-model and the `RetrainModel` state machine. */
  readonly recommendations: Recommendations;
  /** The Rollout state machine, its step function and the Reports bucket. */
  readonly rollouts: Rollouts;
  /** Data-subject export and erasure: the data-request function and the `DataRequest` state machine. */
  readonly dataRequests: DataRequests;
  /** Scheduled broadcasts: broadcast-scheduler, broadcast-step and the `Broadcast` state machine. */
  readonly broadcasts: Broadcasts;
  /** The IAM-authorised admin routes on the REST API and the admin-api function behind them. */
  readonly adminApi: AdminApi;
  readonly inbox: Inbox;
  /** `DataKey`, with `pipeline:customerManagedKeys`: every store's encryption at rest. */
  readonly dataKey?: kms.Key;
  /** kpi-monitor, daily-review, their schedules and the `Reviews` topic. */
  readonly measurement: Measurement;
  /** Alarms. */
  readonly observability: Observability;
  /** The CloudWatch dashboard: campaign funnel and pipeline health. */
  readonly dashboard: Dashboard;
  /** The decisions export, the Glue tables, the Athena workgroup and the named queries. */
  readonly analytics: Analytics;

  constructor(scope: Construct, id: string, props: MarketingPipelineStackProps = {}) {
    super(scope, id, props);
    const config = resolvePipelineConfig(this, props.config);
    this.config = config;
    const functionDefaults: FunctionDefaults = {
      logRetention: config.logRetention,
      logRemovalPolicy: config.removalPolicy,
      deadLetterRetention: Duration.days(config.deadLetterRetentionDays),
    };

    if (config.customerManagedKeys) this.dataKey = applyCustomerManagedKey(this, config.removalPolicy, { ...(config.personalize && { personalizeRoleArn: config.personalize.roleArn }) });
    this.profileStore = new ProfileStore(this, 'ProfileStore', { removalPolicy: config.removalPolicy });
    this.audit = new Audit(this, 'Audit', { removalPolicy: config.removalPolicy });
    this.ingest = new Ingest(this, 'Ingest', {
      shardCount: config.shardCount,
      streamRetention: config.streamRetention,
      removalPolicy: config.removalPolicy,
      throttle: { rateLimit: config.apiThrottleRateLimit, burstLimit: config.apiThrottleBurstLimit },
      manageApiGatewayAccountRole: config.manageApiGatewayAccountRole,
      functionDefaults,
    });
    const campaignCacheEnvironment = { CAMPAIGN_CACHE_TTL_SECONDS: String(config.campaignCacheTtlSeconds) };
    this.messaging = new Messaging(this, 'Messaging', {
      profilesTable: this.profileStore.profilesTable,
      fieldKey: this.profileStore.fieldKey,
      messagesTable: this.profileStore.messagesTable,
      campaignsTable: this.profileStore.campaignsTable,
      timersTable: this.profileStore.timersTable,
      experimentsTable: this.profileStore.experimentsTable,
      kpisTable: this.profileStore.kpisTable,
      inboxTable: this.profileStore.inboxTable,
      deliverySettings: config.deliverySettings,
      campaignCacheEnvironment,
      functionDefaults,
    });
    // Before Processing: process-events writes the events archive this construct owns.
    this.recommendations = new Recommendations(this, 'Recommendations', {
      alertsTopic: this.messaging.alertsTopic,
      schedule: { hour: config.retrainingScheduleHour, timeZone: config.retrainingScheduleTimeZone },
      minNewInteractions: config.retrainingMinNewInteractions,
      metricTolerance: config.retrainingMetricTolerance,
      personalize: config.personalize,
      removalPolicy: config.removalPolicy,
      archiveRetention: Duration.days(config.archiveRetentionDays),
      functionDefaults,
    });
    this.processing = new Processing(this, 'Processing', {
      eventsStream: this.ingest.eventsStream,
      streamRetention: config.streamRetention,
      profilesTable: this.profileStore.profilesTable,
      campaignsTable: this.profileStore.campaignsTable,
      timersTable: this.profileStore.timersTable,
      experimentsTable: this.profileStore.experimentsTable,
      kpisTable: this.profileStore.kpisTable,
      fieldKey: this.profileStore.fieldKey,
      consentsTable: this.profileStore.consentsTable,
      eventsArchive: this.recommendations.eventsArchive,
      trackingEnvironment: {
        TRACKING_CONSENT: config.trackingConsent,
        ...(Object.keys(config.trackingConsentByRegion).length > 0 && { TRACKING_CONSENT_BY_REGION: JSON.stringify(config.trackingConsentByRegion) }),
      },
      campaignCacheEnvironment,
      personalizeEvents: config.personalizeEvents,
      intentsQueue: this.messaging.intentsQueue,
      functionDefaults,
    });
    this.campaignTimers = new CampaignTimers(this, 'CampaignTimers', {
      timersTable: this.profileStore.timersTable,
      intentsQueue: this.messaging.intentsQueue,
      functionDefaults,
    });
    this.profileScoring = new ProfileScoring(this, 'ProfileScoring', {
      profilesTable: this.profileStore.profilesTable,
      campaignsTable: this.profileStore.campaignsTable,
      timersTable: this.profileStore.timersTable,
      ...(config.deliverySettings.DEFAULT_TIME_ZONE && { defaultTimeZone: config.deliverySettings.DEFAULT_TIME_ZONE }),
      rfmCurrency: config.rfmCurrency,
      schedule: { hour: config.scoringScheduleHour, timeZone: config.scoringScheduleTimeZone },
      functionDefaults,
    });
    this.recommendations.serveRecommendationsFrom(this.messaging.deliverFunction, config.personalize);
    if (config.recommendationBlend) this.messaging.deliverFunction.addEnvironment('RECOMMENDATION_BLEND', config.recommendationBlend);
    this.rollouts = new Rollouts(this, 'Rollouts', {
      experimentsTable: this.profileStore.experimentsTable,
      campaignsTable: this.profileStore.campaignsTable,
      alertsTopic: this.messaging.alertsTopic,
      removalPolicy: config.removalPolicy,
      exportRetention: Duration.days(config.exportRetentionDays),
      functionDefaults,
    });
    this.measurement = new Measurement(this, 'Measurement', {
      kpisTable: this.profileStore.kpisTable,
      campaignsTable: this.profileStore.campaignsTable,
      reportsBucket: this.rollouts.reportsBucket,
      alertsTopic: this.messaging.alertsTopic,
      review: { timeZone: config.kpiTimeZone, hour: config.reviewHour, emails: config.reviewEmails },
      costs: config.measurementCosts,
      deliveryStatus: { logGroups: config.deliveryStatusLogGroups, pushApplications: config.pushPlatformApplications, retention: config.logRetention, removalPolicy: config.removalPolicy },
      functionDefaults,
    });
    // The dashboard graphs what the alarms watch: one map of each for both.
    const tables = this.profileStore;
    this.dataRequests = new DataRequests(this, 'DataRequests', {
      tables: {
        profiles: tables.profilesTable,
        consents: tables.consentsTable,
        messages: tables.messagesTable,
        timers: tables.timersTable,
        experiments: tables.experimentsTable,
        kpis: tables.kpisTable,
        inbox: tables.inboxTable,
      },
      modelsBucket: this.recommendations.bucket,
      reportsBucket: this.rollouts.reportsBucket,
      alertsTopic: this.messaging.alertsTopic,
      ...(config.personalize && { personalize: { datasetArn: config.personalize.datasetArn, roleArn: config.personalize.roleArn } }),
      secondSweepWait: Duration.minutes(config.erasureSecondSweepMinutes),
      functionDefaults,
    });
    this.broadcasts = new Broadcasts(this, 'Broadcasts', {
      profilesTable: tables.profilesTable,
      campaignsTable: tables.campaignsTable,
      experimentsTable: tables.experimentsTable,
      reportsBucket: this.rollouts.reportsBucket,
      intentsQueue: this.messaging.intentsQueue,
      scanSegments: config.broadcastScanSegments,
      maxConcurrency: config.broadcastMaxConcurrency,
      ...(config.deliverySettings.DEFAULT_TIME_ZONE && { defaultTimeZone: config.deliverySettings.DEFAULT_TIME_ZONE }),
      functionDefaults,
    });
    this.adminApi = new AdminApi(this, 'AdminApi', {
      api: this.ingest.api,
      profilesTable: tables.profilesTable,
      auditTable: this.audit.table,
      auditRetentionDays: config.auditRetentionDays,
      dataRequests: this.dataRequests.stateMachine,
      reportsBucket: this.rollouts.reportsBucket,
      functionDefaults,
    });
    this.inbox = new Inbox(this, 'Inbox', {
      inboxTable: tables.inboxTable,
      eventsStream: this.ingest.eventsStream,
      allowedOrigin: config.inboxAllowedOrigin,
      ...(config.inboxJwtIssuer && {
        jwt: { issuer: config.inboxJwtIssuer, ...(config.inboxJwtAudience && { audience: config.inboxJwtAudience }), ...(config.inboxJwtUserClaim && { userClaim: config.inboxJwtUserClaim }) },
      }),
      // The same budget as the write key's: an app opening fetches once.
      throttle: { rateLimit: config.apiThrottleRateLimit, burstLimit: config.apiThrottleBurstLimit },
      functionDefaults,
    });
    const deadLetterQueues = {
      EventsDlq: this.processing.eventsDlq,
      IntentsDlq: this.messaging.intentsDlq,
      NightlyProfilesScheduleDlq: this.profileScoring.scheduleDlq,
      SweepTimersScheduleDlq: this.campaignTimers.scheduleDlq,
      RetrainModelScheduleDlq: this.recommendations.scheduleDlq,
      MeasurementScheduleDlq: this.measurement.scheduleDlq,
      DeliveryStatusDlq: this.measurement.deliveryStatusDlq,
      BroadcastSchedulerScheduleDlq: this.broadcasts.scheduleDlq,
    };
    const functions = {
      Ingest: this.ingest.ingestFunction,
      ProcessEvents: this.processing.processEventsFunction,
      Deliver: this.messaging.deliverFunction,
      NightlyProfiles: this.profileScoring.nightlyProfilesFunction,
      SweepTimers: this.campaignTimers.sweepTimersFunction,
      RetrainModel: this.recommendations.retrainModelFunction,
      RolloutStep: this.rollouts.rolloutStepFunction,
      KpiMonitor: this.measurement.kpiMonitorFunction,
      DailyReview: this.measurement.dailyReviewFunction,
      DeliveryStatus: this.measurement.deliveryStatusFunction,
      DataRequest: this.dataRequests.dataRequestFunction,
      AdminApi: this.adminApi.adminApiFunction,
      BroadcastStep: this.broadcasts.stepFunction,
      BroadcastScheduler: this.broadcasts.schedulerFunction,
      InboxApi: this.inbox.apiFunction,
      InboxAuthorizer: this.inbox.authorizerFunction,
    };
    this.analytics = new Analytics(this, 'Analytics', {
      bucket: this.recommendations.bucket,
      deliveryEventsTopic: this.messaging.deliveryEventsTopic,
      removalPolicy: config.removalPolicy,
    });
    this.observability = new Observability(this, 'Observability', {
      alertsTopic: this.messaging.alertsTopic,
      processEventsFunction: this.processing.processEventsFunction,
      iteratorAgeThreshold: config.iteratorAgeAlarmThreshold,
      nightlyProfilesFunction: this.profileScoring.nightlyProfilesFunction,
      // Four fifths of the timeout: time to move the rescoring off a single invocation before it times out.
      nightlyProfilesDurationThreshold: Duration.seconds(NIGHTLY_PROFILES_TIMEOUT.toSeconds() * 0.8),
      timerLagThreshold: config.timerLagAlarmThreshold,
      deadLetterQueues,
      functions,
      stateMachines: { RetrainModel: this.recommendations.stateMachine, Rollout: this.rollouts.stateMachine, DataRequest: this.dataRequests.stateMachine, Broadcast: this.broadcasts.stateMachine },
    });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      processEventsFunction: this.processing.processEventsFunction,
      iteratorAgeThreshold: config.iteratorAgeAlarmThreshold,
      timerLagThreshold: config.timerLagAlarmThreshold,
      deadLetterQueues,
      functions,
      alarms: this.observability.alarms,
    });

    new CfnOutput(this, 'ApiUrl', { description: 'The REST API, stage included: npm run dsr --url (ADMIN_API_URL) calls its admin routes', value: this.ingest.api.url });
    new CfnOutput(this, 'DataRequestStateMachineArn', {
      description: 'Data-subject export and erasure (npm run dsr; DATA_REQUESTS_STATE_MACHINE_ARN of the admin API)',
      value: this.dataRequests.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'RolloutStateMachineArn', { description: 'npm run rollout -- start <campaign> starts it (ROLLOUT_STATE_MACHINE_ARN)', value: this.rollouts.stateMachine.stateMachineArn });
    new CfnOutput(this, 'KpisTableName', { description: 'Campaign funnel counters and touches (KPIS_TABLE_NAME)', value: this.profileStore.kpisTable.tableName });
    new CfnOutput(this, 'ExperimentsTableName', { description: 'Rollout state, counters and exposures (EXPERIMENTS_TABLE_NAME)', value: this.profileStore.experimentsTable.tableName });
    new CfnOutput(this, 'ReportsBucketName', { description: 'Rollout reports (reports/<campaign>/<run>.html)', value: this.rollouts.reportsBucket.bucketName });
    new CfnOutput(this, 'InboxUsersUrl', { description: 'In-app messages: GET <this><userId>/messages with Authorization: UserHash <hash> (docs/in-app.md)', value: this.inbox.usersUrl });
    new CfnOutput(this, 'InboxSigningSecretArn', { description: 'The secret app backends sign user ids with (UserHash = HMAC-SHA256 hex of the user id)', value: this.inbox.signingSecret.secretArn });
    new CfnOutput(this, 'EventsEndpointUrl', { description: 'POST events here', value: this.ingest.eventsUrl });
    new CfnOutput(this, 'IngestApiKeyId', {
      description: 'Write key id: aws apigateway get-api-key --include-value --api-key <id>',
      value: this.ingest.apiKey.keyId,
    });
    new CfnOutput(this, 'SnsDeliveryStatusRoleArn', {
      description: 'Turn on SMS delivery status: aws sns set-sms-attributes --attributes DeliveryStatusIAMRole=<arn>,DeliveryStatusSuccessSamplingRate=100 (push: set-platform-application-attributes SuccessFeedbackRoleArn/FailureFeedbackRoleArn)',
      value: this.measurement.snsDeliveryStatusRole.roleArn,
    });
    new CfnOutput(this, 'ReviewsTopicArn', { description: 'The daily review: subscribe by email (or set pipeline:reviewEmails)', value: this.measurement.reviewsTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { description: 'CloudWatch dashboard: campaign funnel and pipeline health', value: this.dashboard.dashboard.dashboardName });
    new CfnOutput(this, 'AlertsTopicArn', { description: 'Subscribe the on-call channel here', value: this.messaging.alertsTopic.topicArn });
    new CfnOutput(this, 'DeliveryEventsTopicArn', { description: 'Delivery outcomes', value: this.messaging.deliveryEventsTopic.topicArn });
    new CfnOutput(this, 'CampaignsTableName', {
      description: 'Campaign definitions: npm run campaigns -- activate events/campaigns/<id>.yaml --table <name>',
      value: this.profileStore.campaignsTable.tableName,
    });
    new CfnOutput(this, 'ModelsBucketName', {
      description: 'Models, the events archive and training state; npm run forget-user -- <userId> --bucket <name>',
      value: this.recommendations.bucket.bucketName,
    });
    new CfnOutput(this, 'RetrainModelStateMachineArn', {
      description: 'Retrain now: aws stepfunctions start-execution --state-machine-arn <arn>',
      value: this.recommendations.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'AnalyticsWorkGroupName', {
      description: 'Athena workgroup of the named queries: npm run query -- funnel --athena --from <day> --to <day>',
      value: this.analytics.workGroup.ref,
    });
    new CfnOutput(this, 'AnalyticsDatabaseName', { description: 'Glue database of the events and decisions tables', value: this.analytics.databaseName });
    new CfnOutput(this, 'NightlyProfilesFunctionName', {
      description: 'Rerun the nightly rescoring: aws lambda invoke --invocation-type Event --function-name <name> /dev/null',
      value: this.profileScoring.nightlyProfilesFunction.functionName,
    });
  }
}
