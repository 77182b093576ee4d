import { arnOf, allowedActionsOf, synthPipeline } from '../synth-pipeline';

const { template } = synthPipeline();
const resources = template.toJSON().Resources;

/** A state machine's definition with its tokens replaced by their logical IDs, parsed. */
const definitionOf = (logicalId: string): { StartAt: string; States: Record<string, Record<string, unknown>>; TimeoutSeconds?: number } => {
  const joined = resources[logicalId].Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = joined['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'")))
    .join('');
  return JSON.parse(text);
};

describe('Rollouts', () => {
  it('runs start stage → bake → evaluate → decide, widening, baking again or finishing with an alert', () => {
    // Act
    const definition = definitionOf('Rollout');
    const decide = definition.States.Decide as { Choices: { Next: string }[]; Default: string };

    // Assess
    expect(definition.StartAt).toBe('Begin');
    expect(definition.States.StartStage).toMatchObject({ Type: 'Task', Next: 'Bake' });
    expect(definition.States.Bake).toMatchObject({ Type: 'Wait', SecondsPath: '$.stage.bakeSeconds', Next: 'Evaluate' });
    expect(definition.States.Evaluate).toMatchObject({ Type: 'Task', Next: 'Decide' });
    expect(decide.Choices.map((c) => c.Next)).toEqual(['Widen', 'Bake', 'FinishCompleted', 'FinishRolledBack', 'FinishHeld']);
    expect(decide.Default).toBe('FinishAborted');
    expect(definition.States.Widen).toMatchObject({ Type: 'Pass', Next: 'StartStage' });
    expect(definition.States.FinishRolledBack).toMatchObject({ Next: 'AlertRolledBack' });
    expect(definition.States.AlertRolledBack).toMatchObject({ Type: 'Task', Resource: "arn:{'Ref':'AWS::Partition'}:states:::sns:publish", Next: 'RolledBack' });
    expect(definition.States.RolledBack).toMatchObject({ Type: 'Fail', Error: 'RolledBack' });
    expect(definition.States.Held).toMatchObject({ Type: 'Fail', Error: 'Held' });
    expect(definition.States.Completed).toMatchObject({ Type: 'Succeed' });
    // every step's failure alerts
    for (const task of ['StartStage', 'Evaluate', 'FinishCompleted', 'FinishRolledBack', 'FinishHeld', 'FinishAborted']) {
      expect(definition.States[task]).toMatchObject({ Catch: [expect.objectContaining({ Next: 'AlertRolloutFailed' })] });
    }
    expect(definition.TimeoutSeconds).toBe(90 * 86_400);
  });

  it('gives rollout-step exactly the table actions and the report prefix it uses', () => {
    // Act
    const allowed = allowedActionsOf(template, 'RolloutStepFunction');

    // Assess
    expect(allowed.get('dynamodb:GetItem')).toEqual([arnOf('Experiments')]);
    expect(allowed.get('dynamodb:PutItem')).toEqual([arnOf('Experiments')]);
    expect(allowed.get('dynamodb:Query')).toEqual([arnOf('Experiments')]);
    expect(allowed.get('dynamodb:Scan')).toEqual([arnOf('Campaigns')]);
    expect(allowed.get('s3:PutObject')).toEqual([{ 'Fn::Join': ['', [arnOf('Reports'), '/reports/*']] }]);
    expect(allowed.has('dynamodb:DeleteItem')).toBe(false);
    expect(allowed.has('s3:GetObject')).toBe(false);
  });

  it('lets deliver record exposures and process-events attribute outcomes, nothing more', () => {
    // Act
    const deliver = allowedActionsOf(template, 'DeliverFunction');
    const processing = allowedActionsOf(template, 'ProcessEventsFunction');

    // Assess
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(deliver.get(action)).toContainEqual(arnOf('Experiments'));
    for (const action of ['dynamodb:Query', 'dynamodb:UpdateItem']) expect(processing.get(action)).toContainEqual(arnOf('Experiments'));
    expect(processing.get('dynamodb:PutItem') ?? []).not.toContainEqual(arnOf('Experiments'));
    expect(resources.DeliverFunction.Properties.Environment.Variables.EXPERIMENTS_TABLE_NAME).toEqual({ Ref: 'Experiments' });
    expect(resources.ProcessEventsFunction.Properties.Environment.Variables.EXPERIMENTS_TABLE_NAME).toEqual({ Ref: 'Experiments' });
  });

  it('keeps experiments in an encrypted, point-in-time-recoverable table with TTL, and reports in a private bucket', () => {
    expect(resources.Experiments.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(resources.Reports.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  });

  it('alarms on failed Rollout executions', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: 'Rollout executions failed, timed out or were aborted: see the execution history' });
  });
});
