import { userInfo } from 'node:os';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoAuditTrail } from '../../layers/adapters/dynamo-audit-trail';
import type { AuditTrail } from '../../layers/core/audit/audit-trail';
import type { LocalState } from '../local-stack/local-state';

/** The audit trail a CLI records its changes in, and who it records them as. */
export interface CliAuditTarget {
  readonly trail: AuditTrail;
  readonly actor: string;
}

/** The Audit table's logical ID in the pipeline template (and the local stack's state). */
const AUDIT_LOGICAL_ID = 'Audit';

/**
 * The running local stack's audit trail as `local:<os user>`, or a deployed stack's (`AUDIT_TABLE_NAME`,
 * from the stack outputs) as the caller's IAM principal. Undefined when neither is known: the caller
 * says the change was not audited.
 */
export const openCliAudit = async (document: DynamoDBDocumentClient, local: LocalState | undefined): Promise<CliAuditTarget | undefined> => {
  if (local) {
    const table = local.resources[AUDIT_LOGICAL_ID]?.name;
    return table ? { trail: new DynamoAuditTrail(document, table), actor: `local:${userInfo().username}` } : undefined;
  }
  const table = process.env.AUDIT_TABLE_NAME;
  if (!table) return undefined;
  const sts = new STSClient({});
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    return { trail: new DynamoAuditTrail(document, table), actor: Arn ?? 'unknown' };
  } finally {
    sts.destroy();
  }
};
