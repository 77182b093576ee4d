import type { Template } from 'aws-cdk-lib/assertions';

/**
 * A state machine's Amazon States Language definition from a synthesized template, with each
 * CloudFormation token in it (`Fn::GetAtt`, `Ref`) replaced by a local stand-in, e.g. a function's ARN.
 */
export const stateMachineDefinition = (template: Template, logicalId: string, tokens: (token: unknown) => string): object => {
  const definition = template.toJSON().Resources[logicalId]?.Properties?.DefinitionString as { 'Fn::Join': [string, unknown[]] } | string | undefined;
  if (definition === undefined) throw new Error(`the template has no state machine ${logicalId}`);
  const text = typeof definition === 'string' ? definition : definition['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : tokens(part))).join(definition['Fn::Join'][0]);
  return JSON.parse(text) as object;
};
