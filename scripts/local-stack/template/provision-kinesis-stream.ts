import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  ResourceInUseException,
  type StreamDescriptionSummary,
} from '@aws-sdk/client-kinesis';
import type { LocalResource } from './cfn-template';
import { toNumber, waitFor, type ProvisionRequest, type ResourceProvisioner } from './provision-clients';

/** kinesalite has no on-demand mode: an on-demand stream gets this many shards. */
const ON_DEMAND_LOCAL_SHARDS = 1;
const DEFAULT_RETENTION_HOURS = 24;

/**
 * `AWS::Kinesis::Stream`: provisioned shards (`ShardCount`, or one for an on-demand stream, which
 * kinesalite cannot emulate), the retention period, and a wait until ACTIVE. Encryption is left out.
 */
export const kinesisStreamProvisioner: ResourceProvisioner = {
  usedProperties: ['ShardCount', 'RetentionPeriodHours'],
  async create({ logicalId, name, properties, clients }: ProvisionRequest): Promise<LocalResource> {
    const { kinesis } = clients;
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: toNumber(properties.ShardCount) ?? ON_DEMAND_LOCAL_SHARDS }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    let summary: StreamDescriptionSummary | undefined;
    await waitFor(`stream ${name}`, async () => {
      summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
      return summary?.StreamStatus === 'ACTIVE';
    });
    const retention = toNumber(properties.RetentionPeriodHours);
    if (retention && retention > (summary?.RetentionPeriodHours ?? DEFAULT_RETENTION_HOURS)) {
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: retention }));
    }
    const arn = summary?.StreamARN ?? '';
    return { logicalId, type: 'AWS::Kinesis::Stream', name, arn, ref: name, attributes: { Arn: arn } };
  },
};
