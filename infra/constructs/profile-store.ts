import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { pinLogicalId } from '../logical-id';

/** Props of {@link ProfileStore}. */
export interface ProfileStoreProps {
  /** Applied to both tables; RETAIN also turns on deletion protection. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The pipeline's state: `Profiles` (one item per user: profile, version and intent outbox) and
 * `Messages` (one item per message id and user, claimed before a send so a redelivered intent never
 * sends twice; expired by TTL).
 */
export class ProfileStore extends Construct {
  /** `Profiles`: partition key `userId`. */
  readonly profilesTable: dynamodb.ITable;
  /** `Messages`: partition key `userId`, sort key `sk`, TTL attribute `expiresAt`. */
  readonly messagesTable: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: ProfileStoreProps) {
    super(scope, id);
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
    } satisfies Partial<dynamodb.TableProps>;

    this.profilesTable = pinLogicalId(new dynamodb.Table(this, 'Profiles', common), 'Profiles');
    this.messagesTable = pinLogicalId(
      new dynamodb.Table(this, 'Messages', {
        ...common,
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        timeToLiveAttribute: 'expiresAt',
      }),
      'Messages',
    );
  }
}
