import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TIMERS_BY_DUE_INDEX } from '../../../layers/adapters/dynamo-timer-store';
import { ProfileStore } from '../../../infra/constructs/profile-store';
import { resourcesOfType, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');

describe('ProfileStore', () => {
  it('creates Profiles keyed by userId, on demand, encrypted, with point-in-time recovery', () => {
    // Prepare
    const profiles = tables.Profiles;

    // Act
    const properties = profiles?.Properties;

    // Assess
    expect(properties).toEqual({
      KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('creates Messages keyed by userId and sk, expiring items by expiresAt', () => {
    // Prepare
    const messages = tables.Messages;

    // Act
    const properties = messages?.Properties;

    // Assess
    expect(properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(Object.keys(tables).sort()).toEqual(['Audit', 'Campaigns', 'Consents', 'Experiments', 'Inbox', 'Kpis', 'Messages', 'Profiles', 'Timers']);
  });

  it('creates Consents keyed by userId and receipt, with no TTL: receipts are the proof of consent', () => {
    // Act
    const properties = tables.Consents?.Properties;

    // Assess
    expect(properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'receipt', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(properties?.TimeToLiveSpecification).toBeUndefined();
  });

  it('creates Campaigns keyed by campaignId', () => {
    // Prepare
    const campaigns = tables.Campaigns;

    // Act
    const properties = campaigns?.Properties;

    // Assess
    expect(properties).toMatchObject({
      KeySchema: [{ AttributeName: 'campaignId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('creates Timers keyed by userId and key, findable by due time through the sharded byDue index, expiring by expiresAt', () => {
    // Prepare
    const timers = tables.Timers;

    // Act
    const properties = timers?.Properties;

    // Assess
    expect(properties).toMatchObject({
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
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
    });
    expect(properties?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'shard', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'N' },
      ]),
    );
  });

  it('retains every table by default', () => {
    // Prepare
    const policies = Object.values(tables).map((t) => (t as { DeletionPolicy?: string }).DeletionPolicy);

    // Act
    const unique = [...new Set(policies)];

    // Assess
    expect(unique).toEqual(['Retain']);
  });

  it('lets a disposable deployment (the local stack) delete every table', () => {
    // Prepare
    const stack = new Stack(new App(), 'Store');

    // Act
    new ProfileStore(stack, 'ProfileStore', { removalPolicy: RemovalPolicy.DESTROY });
    const store = Template.fromStack(stack);

    // Assess
    for (const table of Object.values(store.findResources('AWS::DynamoDB::Table'))) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });
});
