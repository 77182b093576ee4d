export { KinesisPoller, type KinesisFunction, type KinesisMappingSettings, type KinesisPollerOptions } from './kinesis-poller';
export { SqsPoller, type SqsFunction, type SqsMappingSettings, type SqsPollerOptions } from './sqs-poller';
export { abortableSleep, defaultRetryDelayMs, type BatchReport, type Poller, type PollerTimingOptions, type Sleep } from './poller-types';
export type { DestinationClients } from './on-failure-destination';
export { readBatchItemFailures, type BatchResponseVerdict } from './batch-item-failures';
export { toKinesisStreamRecord } from './kinesis-records';
export { toSqsRecord } from './sqs-records';
