import { resourcesOfType, TemplateResolutionError, type CfnTemplate, type ProvisionedStack } from './cfn-template';

/** Where a delivery stream's records come from locally. */
export type DeliverySource =
  /** A Kinesis stream source: the stream's local name and ARN. */
  | { readonly kind: 'kinesis'; readonly logicalId: string; readonly name: string; readonly arn: string }
  /**
   * Direct PUT by SNS: the topics of the template's `firehose` subscriptions to the stream, and the
   * queue those subscriptions deliver to locally (one per stream, see `LocalResource.queue`).
   */
  | { readonly kind: 'sns'; readonly topicLogicalIds: readonly string[]; readonly queue: { readonly name: string; readonly arn: string; readonly url: string } }
  /** Direct PUT by the stack's own functions (PutRecordBatch, PutRecord): the stream's local name, served by the local Firehose endpoint. */
  | { readonly kind: 'direct'; readonly name: string };

/** A Kinesis Data Firehose delivery stream of the template to an S3 bucket, with its local source. */
export interface ResolvedDeliveryStream {
  readonly logicalId: string;
  readonly source: DeliverySource;
  /** The destination bucket's local name. */
  readonly bucket: string;
  /** Key prefix of delivered objects (`archive/`). */
  readonly prefix: string;
  readonly gzip: boolean;
  /**
   * A newline after each record: `AppendDelimiterToRecord`, or SNS, which ends each message it
   * delivers to Firehose with one.
   */
  readonly newlineDelimited: boolean;
}

const logicalIdOf = (value: unknown): string | undefined => {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return getAtt?.[0] ?? (value as { Ref?: string } | undefined)?.Ref;
};

/** The source of a stream: its Kinesis stream, or the `firehose` subscriptions whose endpoint it is. */
const sourceOf = (template: CfnTemplate, stack: ProvisionedStack, logicalId: string, props: Readonly<Record<string, unknown>>): DeliverySource | undefined => {
  const kinesisId = logicalIdOf((props.KinesisStreamSourceConfiguration as { KinesisStreamARN?: unknown } | undefined)?.KinesisStreamARN);
  if (kinesisId) {
    const source = stack.resources[kinesisId];
    if (!source) throw new TemplateResolutionError(`delivery stream ${logicalId}: ${kinesisId} was not provisioned`);
    return { kind: 'kinesis', logicalId: kinesisId, name: source.name, arn: source.arn };
  }
  const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').filter(
    ([, subscription]) => subscription.Properties?.Protocol === 'firehose' && logicalIdOf(subscription.Properties?.Endpoint) === logicalId,
  );
  if (subscriptions.length === 0) {
    if (props.DeliveryStreamType !== 'DirectPut') return undefined;
    const own = stack.resources[logicalId];
    if (!own) throw new TemplateResolutionError(`delivery stream ${logicalId} was not named`);
    return { kind: 'direct', name: own.name };
  }
  const queue = stack.resources[subscriptions[0]![0]]?.queue;
  if (!queue) throw new TemplateResolutionError(`delivery stream ${logicalId}: subscription ${subscriptions[0]![0]} was not provisioned`);
  return { kind: 'sns', topicLogicalIds: subscriptions.map(([, subscription]) => logicalIdOf(subscription.Properties?.TopicArn) ?? ''), queue };
};

/**
 * Every `AWS::KinesisFirehose::DeliveryStream` with an extended S3 destination and a source the local
 * stack can deliver (a Kinesis stream, SNS `firehose` subscriptions, or Direct PUT by functions), resolved against the local
 * resources; other delivery streams are left out.
 */
export const resolveDeliveryStreams = (template: CfnTemplate, stack: ProvisionedStack): ResolvedDeliveryStream[] =>
  resourcesOfType(template, 'AWS::KinesisFirehose::DeliveryStream').flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const destination = props.ExtendedS3DestinationConfiguration as
      | { BucketARN?: unknown; Prefix?: unknown; CompressionFormat?: unknown; ProcessingConfiguration?: { Processors?: { Type?: string }[] } }
      | undefined;
    const bucketId = logicalIdOf(destination?.BucketARN);
    if (!bucketId || !destination) return [];
    const source = sourceOf(template, stack, logicalId, props);
    if (!source) return [];
    const bucket = stack.resources[bucketId];
    if (!bucket) throw new TemplateResolutionError(`delivery stream ${logicalId}: ${bucketId} was not provisioned`);
    const appendsDelimiter = (destination.ProcessingConfiguration?.Processors ?? []).some((p) => p.Type === 'AppendDelimiterToRecord');
    return [
      {
        logicalId,
        source,
        bucket: bucket.name,
        prefix: typeof destination.Prefix === 'string' ? destination.Prefix : '',
        gzip: destination.CompressionFormat === 'GZIP',
        newlineDelimited: appendsDelimiter || source.kind === 'sns',
      },
    ];
  });
