import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TIMERS_BY_DUE_INDEX } from '../../layers/adapters/dynamo-timer-store';

/**
 * Creates a Timers table as names.md pins it (pk `userId` S, sk `key` S; GSI `byDue`: `shard` S /
 * `dueAt` N, projection ALL), so adapter and handler tests do not depend on the CDK app's definition.
 */
export const createTimersTable = async (dynamodb: DynamoDBClient, tableName: string): Promise<string> => {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'userId', AttributeType: 'S' },
        { AttributeName: 'key', AttributeType: 'S' },
        { AttributeName: 'shard', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'key', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TIMERS_BY_DUE_INDEX,
          KeySchema: [
            { AttributeName: 'shard', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return tableName;
};
