import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INBOX_TTL_ATTRIBUTE } from '../../layers/adapters/dynamo-inbox';
import { TIMERS_BY_DUE_INDEX } from '../../layers/adapters/dynamo-timer-store';
import { pinLogicalId } from '../logical-id';

/** Props of {@link ProfileStore}. */
export interface ProfileStoreProps {
  /** Applied to every table; RETAIN also turns on deletion protection. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The pipeline's state: `Profiles` (one item per user: profile, version, trigger state and outboxes),
 * `Messages` (the delivery ledger: one item per message id and user, claimed before a send so a
 * redelivered intent never sends twice, plus each user's cap counters and the global rate-limit
 * buckets; expired by TTL), `Campaigns` (one item per campaign definition) and `Timers` (one item per
 * armed delayed trigger or deferred send, found by due time through the sharded `byDue` index), and
 * `Consents` (one receipt per consent statement and purpose, append-only).
 */
/** What every table of the stack shares: on demand, encrypted, point-in-time recovery, protected when retained. */
export const dataTableDefaults = (removalPolicy: RemovalPolicy) =>
  ({
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy,
    deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
  }) satisfies Partial<dynamodb.TableProps>;

export class ProfileStore extends Construct {
  /** `Profiles`: partition key `userId`. */
  readonly profilesTable: dynamodb.ITable;
  /** `Messages`: partition key `userId`, sort key `sk`, TTL attribute `expiresAt`. */
  readonly messagesTable: dynamodb.ITable;
  /** `Campaigns`: partition key `campaignId`. */
  readonly campaignsTable: dynamodb.ITable;
  /** `Timers`: partition key `userId`, sort key `key`, GSI `byDue` (`shard`, `dueAt`), TTL attribute `expiresAt`. */
  readonly timersTable: dynamodb.ITable;
  /** `Experiments`: partition key `pk`, sort key `sk`, TTL attribute `expiresAt` (rollout state, arm counters, exposures). */
  readonly experimentsTable: dynamodb.ITable;
  /** `Kpis`: partition key `pk`, sort key `sk`, TTL attribute `expiresAt` (campaign funnel counters, touches in their attribution window). */
  readonly kpisTable: dynamodb.ITable;
  /**
   * `FieldKey`: the customer-managed key phone numbers and push endpoints are sealed under (field-level
   * envelope encryption): process-events may only generate data keys under it, deliver only decrypt.
   */
  readonly fieldKey: kms.Key;
  /** `Consents`: partition key `userId`, sort key `receipt` (append-only consent receipts, no TTL). */
  readonly consentsTable: dynamodb.ITable;
  /** `Inbox`: partition key `userId`, sort key `sk` (time-ordered, layers/core/inbox/inbox-message.ts), TTL attribute `ttl` (in-app messages). */
  readonly inboxTable: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: ProfileStoreProps) {
    super(scope, id);
    const common = { ...dataTableDefaults(props.removalPolicy), partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING } } satisfies Partial<dynamodb.TableProps>;

    this.profilesTable = pinLogicalId(new dynamodb.Table(this, 'Profiles', common), 'Profiles');
    this.messagesTable = pinLogicalId(
      new dynamodb.Table(this, 'Messages', {
        ...common,
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        timeToLiveAttribute: 'expiresAt',
      }),
      'Messages',
    );
    this.campaignsTable = pinLogicalId(
      new dynamodb.Table(this, 'Campaigns', { ...common, partitionKey: { name: 'campaignId', type: dynamodb.AttributeType.STRING } }),
      'Campaigns',
    );

    const timers = new dynamodb.Table(this, 'Timers', {
      ...common,
      sortKey: { name: 'key', type: dynamodb.AttributeType.STRING },
      // A safety net only: the sweeper deletes what it fires; TTL removes what nobody fired for a week.
      timeToLiveAttribute: 'expiresAt',
    });
    // Sharded so that "what is due" is TIMER_SHARDS small queries with no hot partition; ALL so the
    // sweeper gets each timer's intent from the index without a second read per timer.
    timers.addGlobalSecondaryIndex({
      indexName: TIMERS_BY_DUE_INDEX,
      partitionKey: { name: 'shard', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'dueAt', type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.timersTable = pinLogicalId(timers, 'Timers');
    this.experimentsTable = pinLogicalId(
      new dynamodb.Table(this, 'Experiments', {
        ...common,
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        // Exposures expire 90 days after they were recorded; rollout state and counters never do.
        timeToLiveAttribute: 'expiresAt',
      }),
      'Experiments',
    );
    this.kpisTable = pinLogicalId(
      new dynamodb.Table(this, 'Kpis', {
        ...common,
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        // Counters expire 400 days after their day, touches a day after their attribution window.
        timeToLiveAttribute: 'expiresAt',
      }),
      'Kpis',
    );
    this.fieldKey = pinLogicalId(
      new kms.Key(this, 'FieldKey', {
        description: 'Field-level encryption of phone numbers and push endpoints in Profiles: process-events encrypts, deliver decrypts',
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy,
      }),
      'FieldKey',
    );
    this.consentsTable = pinLogicalId(
      // No TTL: receipts are the proof of consent; the data-subject erasure deletes a user's receipts.
      new dynamodb.Table(this, 'Consents', { ...common, sortKey: { name: 'receipt', type: dynamodb.AttributeType.STRING } }),
      'Consents',
    );
    this.inboxTable = pinLogicalId(
      // Removed by TTL after each message's expiry (the API hides it from its expiry on).
      new dynamodb.Table(this, 'Inbox', { ...common, sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING }, timeToLiveAttribute: INBOX_TTL_ATTRIBUTE }),
      'Inbox',
    );
  }
}
