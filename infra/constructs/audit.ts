import { CfnOutput, type RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { pinLogicalId } from '../logical-id';
import { dataTableDefaults } from './profile-store';

export interface AuditProps {
  readonly removalPolicy: RemovalPolicy;
}

/**
 * `Audit`: the append-only trail of administrative actions (campaigns stored, activated, deactivated;
 * rollouts; data-subject requests; admin reads of a profile). Its own construct, apart from the
 * pipeline's data: people write it (the CLIs, with their IAM principal), it names users only by hash,
 * it outlives a user's erasure, and it is kept on its own schedule (TTL `expiresAt`, 400 days by default:
 * the last quarter's audit plus a year). Writers get `dynamodb:PutItem` only (see grantAppend).
 */
export class Audit extends Construct {
  /** Partition key `pk` (`AUDIT#<YYYY-MM>`), sort key `sk` (`<at>#<id>`), TTL `expiresAt`. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    this.table = pinLogicalId(
      new dynamodb.Table(this, 'Audit', {
        ...dataTableDefaults(props.removalPolicy),
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        timeToLiveAttribute: 'expiresAt',
      }),
      'Audit',
    );
    new CfnOutput(scope, 'AuditTableName', { description: 'The audit trail of administrative actions (AUDIT_TABLE_NAME of the CLIs)', value: this.table.tableName });
  }
}
