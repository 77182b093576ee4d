import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Allows exactly `actions` on `table` and on the named indexes only. `Table.grant` would add
 * `<table ARN>/index/*` as soon as the table has any index, a wildcard a function that never reads an
 * index does not need (and cdk-nag rightly flags).
 */
export const grantTableActions = (
  table: dynamodb.ITable,
  grantee: iam.IGrantable,
  actions: readonly string[],
  options: { readonly indexes?: readonly string[] } = {},
): iam.Grant =>
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [table.tableArn, ...(options.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`)],
  });
