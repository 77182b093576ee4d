import { resourcesOfType, TemplateResolutionError, type CfnTemplate, type ProvisionedStack } from './cfn-template';
import { resolveIntrinsics } from './intrinsics';

/** The CloudFormation metadata key naming a function's handler file (see infra/create-function.ts). */
export const ENTRY_METADATA_KEY = 'pipeline:entry';

/** Lambda's defaults when the template leaves them out. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;

/** A Lambda function of the template, ready to be run in-process. */
export interface ResolvedFunction {
  readonly logicalId: string;
  /** Its local name (as `Ref` resolves it). */
  readonly name: string;
  readonly arn: string;
  /** `Metadata['pipeline:entry']`: the handler file relative to the repository root, if set. */
  readonly entry: string | undefined;
  /** `Handler` as deployed (e.g. `index.handler`); the local stack calls the entry's factory instead. */
  readonly handler: string | undefined;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  /** `Environment.Variables` with every intrinsic resolved against the local resources. */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Every `AWS::Lambda::Function` of the template with its environment resolved. An intrinsic that
 * cannot be resolved throws an {@link UnresolvableIntrinsicError} naming the function, the variable
 * and the intrinsic.
 */
export const resolveFunctions = (template: CfnTemplate, stack: ProvisionedStack): ResolvedFunction[] => {
  const context = { template, resources: stack.resources, pseudoParameters: stack.pseudoParameters };
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const local = stack.resources[logicalId];
    if (!local) throw new TemplateResolutionError(`function ${logicalId} is not in the provisioned resource map`);
    const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    const environment: Record<string, string> = {};
    for (const [variable, value] of Object.entries(variables)) {
      const resolved = resolveIntrinsics(value, context, `function ${logicalId}, environment variable ${variable}`);
      if (typeof resolved === 'object' && resolved !== null) {
        throw new TemplateResolutionError(`function ${logicalId}, environment variable ${variable}: resolves to a non-string ${JSON.stringify(resolved)}`);
      }
      environment[variable] = String(resolved);
    }
    const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
    return {
      logicalId,
      name: local.name,
      arn: local.arn,
      entry: typeof entry === 'string' ? entry : undefined,
      handler: typeof props.Handler === 'string' ? props.Handler : undefined,
      timeoutSeconds: Number(props.Timeout ?? DEFAULT_TIMEOUT_SECONDS),
      memorySizeMb: Number(props.MemorySize ?? DEFAULT_MEMORY_MB),
      environment,
    };
  });
};
