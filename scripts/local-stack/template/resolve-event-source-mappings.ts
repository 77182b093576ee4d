import { resourcesOfType, TemplateResolutionError, type CfnTemplate, type LocalResource, type ProvisionedStack } from './cfn-template';
import { resolveIntrinsics } from './intrinsics';

/** A queue, stream or topic an event source mapping reads from or sends failures to. */
export interface MappingEndpoint {
  readonly kind: 'kinesis' | 'sqs' | 'sns';
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** Queue URL, for `sqs`. */
  readonly url?: string;
}

/** Where Lambda starts reading a stream. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

/** An `AWS::Lambda::EventSourceMapping` with its references resolved and Lambda's defaults filled in. */
export interface ResolvedEventSourceMapping {
  readonly logicalId: string;
  /** Logical ID of the function it invokes. */
  readonly functionLogicalId: string;
  readonly source: MappingEndpoint & { readonly kind: 'kinesis' | 'sqs' };
  readonly enabled: boolean;
  /** Default 100 for Kinesis, 10 for SQS. */
  readonly batchSize: number;
  /** Default 0. */
  readonly maximumBatchingWindowInSeconds: number;
  /** Streams only. */
  readonly startingPosition?: StartingPosition;
  readonly startingPositionTimestamp?: number;
  /** Streams only; default false. */
  readonly bisectBatchOnFunctionError: boolean;
  /** Streams only; -1 (the default) retries until the records expire. */
  readonly maximumRetryAttempts: number;
  /** Streams only; -1 (the default) means no limit. */
  readonly maximumRecordAgeInSeconds: number;
  readonly parallelizationFactor: number;
  readonly functionResponseTypes: readonly string[];
  /** `FunctionResponseTypes` includes `ReportBatchItemFailures`. */
  readonly reportBatchItemFailures: boolean;
  /** `DestinationConfig.OnFailure` (streams): where Lambda sends the description of discarded records. */
  readonly onFailure?: MappingEndpoint & { readonly kind: 'sqs' | 'sns' };
}

const KIND_BY_TYPE: Readonly<Record<string, MappingEndpoint['kind']>> = {
  'AWS::Kinesis::Stream': 'kinesis',
  'AWS::SQS::Queue': 'sqs',
  'AWS::SNS::Topic': 'sns',
};

/** The local resource whose ARN, name or Ref value is `value`. */
const findResource = (stack: ProvisionedStack, value: string): LocalResource | undefined =>
  Object.values(stack.resources).find((resource) => resource.arn === value || resource.ref === value || resource.name === value);

const toEndpoint = (resource: LocalResource): MappingEndpoint | undefined => {
  const kind = KIND_BY_TYPE[resource.type];
  return kind ? { kind, logicalId: resource.logicalId, name: resource.name, arn: resource.arn, ...(resource.url && { url: resource.url }) } : undefined;
};

const numberOr = (value: unknown, fallback: number): number => (value === undefined || value === null ? fallback : Number(value));

/**
 * Every `AWS::Lambda::EventSourceMapping` of the template. The source must be a Kinesis stream or an
 * SQS queue of the template, the on-failure destination a queue or topic of it; anything else throws a
 * {@link TemplateResolutionError} naming the mapping.
 */
export const resolveEventSourceMappings = (template: CfnTemplate, stack: ProvisionedStack): ResolvedEventSourceMapping[] => {
  const context = { template, resources: stack.resources, pseudoParameters: stack.pseudoParameters };
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const resolve = (property: string): unknown => resolveIntrinsics(props[property], context, `event source mapping ${logicalId}, ${property}`);
    const fail = (detail: string): never => {
      throw new TemplateResolutionError(`event source mapping ${logicalId}: ${detail}`);
    };

    const functionName = String(resolve('FunctionName'));
    const fn = findResource(stack, functionName);
    if (!fn || fn.type !== 'AWS::Lambda::Function') return fail(`FunctionName ${functionName} is not a function of the template`);

    const sourceArn = String(resolve('EventSourceArn'));
    const sourceResource = findResource(stack, sourceArn);
    const source = sourceResource && toEndpoint(sourceResource);
    if (!source || source.kind === 'sns') return fail(`EventSourceArn ${sourceArn} is not a Kinesis stream or SQS queue the local stack created`);

    let onFailure: ResolvedEventSourceMapping['onFailure'];
    const destinationConfig = props.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined;
    if (destinationConfig?.OnFailure?.Destination !== undefined) {
      const destinationArn = String(
        resolveIntrinsics(destinationConfig.OnFailure.Destination, context, `event source mapping ${logicalId}, DestinationConfig.OnFailure`),
      );
      const destinationResource = findResource(stack, destinationArn);
      const destination = destinationResource && toEndpoint(destinationResource);
      if (!destination || destination.kind === 'kinesis') return fail(`on-failure destination ${destinationArn} is not a queue or topic the local stack created`);
      onFailure = destination as MappingEndpoint & { kind: 'sqs' | 'sns' };
    }

    const isStream = source.kind === 'kinesis';
    const functionResponseTypes = ((props.FunctionResponseTypes as string[] | undefined) ?? []).map(String);
    const startingPosition = props.StartingPosition as StartingPosition | undefined;
    return {
      logicalId,
      functionLogicalId: fn.logicalId,
      source: source as MappingEndpoint & { kind: 'kinesis' | 'sqs' },
      enabled: props.Enabled === undefined ? true : props.Enabled === true || props.Enabled === 'true',
      batchSize: numberOr(props.BatchSize, isStream ? 100 : 10),
      maximumBatchingWindowInSeconds: numberOr(props.MaximumBatchingWindowInSeconds, 0),
      ...(isStream && { startingPosition: startingPosition ?? 'LATEST' }),
      ...(props.StartingPositionTimestamp !== undefined && { startingPositionTimestamp: Number(props.StartingPositionTimestamp) }),
      bisectBatchOnFunctionError: props.BisectBatchOnFunctionError === true || props.BisectBatchOnFunctionError === 'true',
      maximumRetryAttempts: numberOr(props.MaximumRetryAttempts, -1),
      maximumRecordAgeInSeconds: numberOr(props.MaximumRecordAgeInSeconds, -1),
      parallelizationFactor: numberOr(props.ParallelizationFactor, 1),
      functionResponseTypes,
      reportBatchItemFailures: functionResponseTypes.includes('ReportBatchItemFailures'),
      ...(onFailure && { onFailure }),
    };
  });
};
