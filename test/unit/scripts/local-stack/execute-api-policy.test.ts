import { policyAllows, policyStatements } from '../../../../scripts/local-stack/api-gateway/execute-api-policy';

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:inboxapi/live/GET/v1/users/ann/messages';
const statement = (Effect: string, Resource: string | string[], Action: string | string[] = 'execute-api:Invoke') => ({ Effect, Action, Resource });
const allows = (...statements: unknown[]): boolean => {
  const read = policyStatements({ Version: '2012-10-17', Statement: statements });
  if (!read) throw new Error('malformed policy');
  return policyAllows(read, ARN);
};

describe('execute-api policy evaluation', () => {
  it('allows on a matching Allow, with * and ? wildcards and resource lists', () => {
    expect(allows(statement('Allow', ARN))).toBe(true);
    expect(allows(statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:inboxapi/*/GET/v1/users/ann/messages'))).toBe(true);
    expect(allows(statement('Allow', 'arn:aws:execute-api:us-east-1:000000000000:inboxapi/live/GET/v1/users/a?n/messages'))).toBe(true);
    expect(allows(statement('Allow', ['arn:other', `${ARN.slice(0, -8)}*`]))).toBe(true);
  });

  it('denies without a matching Allow, and on a matching explicit Deny whatever else allows', () => {
    expect(allows(statement('Allow', ARN.replace('ann', 'ben')))).toBe(false);
    expect(allows(statement('Allow', ARN.replace('ann', 'a?')))).toBe(false);
    expect(allows()).toBe(false);
    expect(allows(statement('Allow', '*'), statement('Deny', ARN))).toBe(false);
    expect(allows(statement('Allow', '*'), statement('Deny', ARN.replace('ann', 'ben')))).toBe(true);
  });

  it('reads execute-api:Invoke, execute-api:*, * and any case as the invoke action; other actions do not apply', () => {
    for (const action of ['execute-api:Invoke', 'execute-api:*', '*', 'Execute-API:invoke', ['s3:GetObject', 'execute-api:Inv*']]) expect(allows(statement('Allow', ARN, action))).toBe(true);
    expect(allows(statement('Allow', ARN, 'execute-api:ManageConnections'))).toBe(false);
    expect(allows(statement('Allow', ARN), statement('Deny', ARN, 's3:*'))).toBe(true);
  });

  it('takes one statement object as IAM does, and refuses what IAM would not parse', () => {
    expect(policyStatements({ Statement: statement('Allow', ARN) })).toHaveLength(1);
    expect(policyStatements(undefined)).toBeUndefined();
    expect(policyStatements({ Statement: null })).toBeUndefined();
    expect(policyStatements({ Statement: [statement('allow', ARN)] })).toBeUndefined();
    expect(policyStatements({ Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke' }] })).toBeUndefined();
    expect(policyStatements({ Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: ARN }] })).toBeUndefined();
    expect(policyStatements({ Statement: [null] })).toBeUndefined();
  });
});
