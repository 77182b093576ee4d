import { resourcesOfType, TemplateResolutionError, type CfnTemplate, type ProvisionedStack } from './cfn-template';

/** A Kinesis Data Firehose delivery stream of the template from a Kinesis stream to an S3 bucket. */
export interface ResolvedDeliveryStream {
  readonly logicalId: string;
  /** The source stream's local name and ARN. */
  readonly source: { readonly logicalId: string; readonly name: string; readonly arn: string };
  /** The destination bucket's local name. */
  readonly bucket: string;
  /** Key prefix of delivered objects (`archive/`). */
  readonly prefix: string;
  readonly gzip: boolean;
  /** `AppendDelimiterToRecord`: a newline after each record. */
  readonly newlineDelimited: boolean;
}

const logicalIdOf = (value: unknown): string | undefined => {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return getAtt?.[0] ?? (value as { Ref?: string } | undefined)?.Ref;
};

/**
 * Every `AWS::KinesisFirehose::DeliveryStream` with a Kinesis source and an extended S3 destination,
 * resolved against the local resources; other delivery streams are left out (the local stack cannot
 * deliver them).
 */
export const resolveDeliveryStreams = (template: CfnTemplate, stack: ProvisionedStack): ResolvedDeliveryStream[] =>
  resourcesOfType(template, 'AWS::KinesisFirehose::DeliveryStream').flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const sourceId = logicalIdOf((props.KinesisStreamSourceConfiguration as { KinesisStreamARN?: unknown } | undefined)?.KinesisStreamARN);
    const destination = props.ExtendedS3DestinationConfiguration as
      | { BucketARN?: unknown; Prefix?: unknown; CompressionFormat?: unknown; ProcessingConfiguration?: { Processors?: { Type?: string }[] } }
      | undefined;
    const bucketId = logicalIdOf(destination?.BucketARN);
    if (!sourceId || !bucketId || !destination) return [];
    const source = stack.resources[sourceId];
    const bucket = stack.resources[bucketId];
    if (!source || !bucket) throw new TemplateResolutionError(`delivery stream ${logicalId}: ${sourceId} or ${bucketId} was not provisioned`);
    return [
      {
        logicalId,
        source: { logicalId: sourceId, name: source.name, arn: source.arn },
        bucket: bucket.name,
        prefix: typeof destination.Prefix === 'string' ? destination.Prefix : '',
        gzip: destination.CompressionFormat === 'GZIP',
        newlineDelimited: (destination.ProcessingConfiguration?.Processors ?? []).some((p) => p.Type === 'AppendDelimiterToRecord'),
      },
    ];
  });
