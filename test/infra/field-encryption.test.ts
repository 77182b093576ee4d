import { actionsOf, arnOf, resourcesOfType, statementsOf, synthPipeline } from './synth-pipeline';

const { template } = synthPipeline();
const functions = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'));
const serviceOf = (logicalId: string): string =>
  (resourcesOfType(template, 'AWS::Lambda::Function')[logicalId]!.Properties!.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME!;

/** The KMS actions a function's policies allow on the field key, or on every key. */
const fieldKeyActionsOf = (logicalId: string): string[] =>
  statementsOf(template, logicalId)
    .filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('kms:')))
    .filter((s) => [s.Resource].flat().some((r) => r === '*' || JSON.stringify(r) === JSON.stringify(arnOf('FieldKey'))))
    .flatMap(actionsOf)
    .sort();

describe('field-level encryption of addresses', () => {
  it('has a customer-managed FieldKey with rotation', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(Object.keys(resourcesOfType(template, 'AWS::KMS::Key'))).toContain('FieldKey');
  });

  it('lets process-events only generate data keys and deliver only decrypt; no other function can use the key', () => {
    // Act
    const users = Object.fromEntries(functions.map((fn) => [serviceOf(fn), fieldKeyActionsOf(fn)]).filter(([, actions]) => (actions as string[]).length > 0));

    // Assess
    expect(users).toEqual({ 'process-events': ['kms:GenerateDataKey'], deliver: ['kms:Decrypt'] });
  });

  it('names the key to both functions in FIELD_KEY_ARN', () => {
    for (const fn of functions.filter((f) => ['process-events', 'deliver'].includes(serviceOf(f)))) {
      const variables = (resourcesOfType(template, 'AWS::Lambda::Function')[fn]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.FIELD_KEY_ARN).toEqual(arnOf('FieldKey'));
    }
  });
});
