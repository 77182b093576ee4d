import { Template } from 'aws-cdk-lib/assertions';
import { buildPipelineApp, type BuildPipelineAppOptions, type PipelineApp } from '../../infra/pipeline-app';

/** A synthesized pipeline app, without bundling (the template is the same; only assets differ). */
export interface SynthesizedPipeline extends PipelineApp {
  readonly template: Template;
}

/**
 * Builds and synthesizes the app once; call it at module level or from `beforeAll`. No bundling and,
 * unless asked, no built-in CloudFormation schema validation (pipeline-app.test.ts runs it): both
 * leave the template unchanged and cost seconds per test file.
 */
export const synthPipeline = (options: BuildPipelineAppOptions = {}): SynthesizedPipeline => {
  const built = buildPipelineApp({ bundle: false, validateTemplates: false, ...options });
  return { ...built, template: Template.fromStack(built.stack) };
};

/** An IAM policy statement as it appears in the template. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;

const resourcesOf = (template: Template): Resources => template.toJSON().Resources as Resources;

/** The logical ID of the execution role of the function with this logical ID. */
export const roleOf = (template: Template, functionLogicalId: string): string => {
  const fn = resourcesOf(template)[functionLogicalId];
  if (fn?.Type !== 'AWS::Lambda::Function') throw new Error(`${functionLogicalId} is not a function`);
  const role = fn.Properties?.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
};

/** Every statement of every identity policy attached to the role of the function. */
export const statementsOf = (template: Template, functionLogicalId: string): Statement[] => {
  const role = roleOf(template, functionLogicalId);
  return Object.values(resourcesOf(template))
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties?.Roles as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: role })))
    .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
};

/** The actions of a statement as a list. */
export const actionsOf = (statement: Statement): string[] => [statement.Action].flat();

/** Every action the function's role allows, with the resources it allows it on. */
export const allowedActionsOf = (template: Template, functionLogicalId: string): Map<string, unknown[]> => {
  const allowed = new Map<string, unknown[]>();
  for (const statement of statementsOf(template, functionLogicalId).filter((s) => s.Effect === 'Allow')) {
    for (const action of actionsOf(statement)) {
      allowed.set(action, [...(allowed.get(action) ?? []), ...[statement.Resource].flat()]);
    }
  }
  return allowed;
};

/** `{ 'Fn::GetAtt': [logicalId, 'Arn'] }`. */
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Resources of one type, by logical ID. */
export const resourcesOfType = (template: Template, type: string): Resources =>
  Object.fromEntries(Object.entries(resourcesOf(template)).filter(([, r]) => r.Type === type));
