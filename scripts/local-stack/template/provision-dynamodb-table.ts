import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type LocalSecondaryIndex,
  type ProvisionedThroughput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { LocalResource } from './cfn-template';
import { toBoolean, toNumber, waitFor, type ProvisionRequest, type ResourceProvisioner } from './provision-clients';

type Props = Readonly<Record<string, unknown>>;

const throughput = (value: unknown): ProvisionedThroughput | undefined => {
  const props = value as Props | undefined;
  if (!props) return undefined;
  return { ReadCapacityUnits: toNumber(props.ReadCapacityUnits), WriteCapacityUnits: toNumber(props.WriteCapacityUnits) };
};

/** CloudFormation's default billing mode is PROVISIONED, which needs throughput on the table and each GSI. */
const toCreateTableInput = (name: string, props: Props): CreateTableCommandInput => {
  const onDemand = props.BillingMode === 'PAY_PER_REQUEST';
  const gsis = (props.GlobalSecondaryIndexes as Props[] | undefined)?.map(
    (index): GlobalSecondaryIndex => ({
      IndexName: index.IndexName as string,
      KeySchema: index.KeySchema as GlobalSecondaryIndex['KeySchema'],
      Projection: index.Projection as GlobalSecondaryIndex['Projection'],
      ...(!onDemand && { ProvisionedThroughput: throughput(index.ProvisionedThroughput) ?? { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }),
    }),
  );
  const lsis = (props.LocalSecondaryIndexes as Props[] | undefined)?.map(
    (index): LocalSecondaryIndex => ({
      IndexName: index.IndexName as string,
      KeySchema: index.KeySchema as LocalSecondaryIndex['KeySchema'],
      Projection: index.Projection as LocalSecondaryIndex['Projection'],
    }),
  );
  const stream = props.StreamSpecification as Props | undefined;
  return {
    TableName: name,
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ...(!onDemand && { ProvisionedThroughput: throughput(props.ProvisionedThroughput) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
    ...(gsis?.length && { GlobalSecondaryIndexes: gsis }),
    ...(lsis?.length && { LocalSecondaryIndexes: lsis }),
    ...(stream?.StreamViewType !== undefined && { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_IMAGE' } }),
  };
};

/**
 * `AWS::DynamoDB::Table`: key schema, attribute definitions, GSIs and LSIs, billing mode, stream, then
 * TTL through UpdateTimeToLive (CreateTable does not take it). Encryption, PITR, deletion protection
 * and tags mean nothing to DynamoDB Local and are left out.
 */
export const dynamoDbTableProvisioner: ResourceProvisioner = {
  usedProperties: [
    'AttributeDefinitions',
    'KeySchema',
    'BillingMode',
    'ProvisionedThroughput',
    'GlobalSecondaryIndexes',
    'LocalSecondaryIndexes',
    'StreamSpecification',
    'TimeToLiveSpecification',
  ],
  async create({ logicalId, name, properties, clients }: ProvisionRequest): Promise<LocalResource> {
    const { dynamodb } = clients;
    try {
      await dynamodb.send(new CreateTableCommand(toCreateTableInput(name, properties)));
    } catch (error) {
      // Already there (a second provisioning into the same emulator): reuse it.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    let table: TableDescription | undefined;
    await waitFor(`table ${name}`, async () => {
      table = (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
      return table?.TableStatus === 'ACTIVE';
    });
    const ttl = properties.TimeToLiveSpecification as Props | undefined;
    if (ttl && toBoolean(ttl.Enabled)) {
      await dynamodb
        .send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName as string, Enabled: true } }))
        .catch((error: unknown) => {
          // Re-provisioning: TTL is already enabled.
          if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
        });
    }
    const arn = table?.TableArn ?? '';
    return {
      logicalId,
      type: 'AWS::DynamoDB::Table',
      name,
      arn,
      ref: name,
      attributes: { Arn: arn, ...(table?.LatestStreamArn && { StreamArn: table.LatestStreamArn }) },
    };
  },
};
