/** A CloudFormation resource, as far as the local stack reads it. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
}

/** A CloudFormation parameter; only its default can be used locally. */
export interface CfnParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

/** A synthesized CloudFormation template (e.g. `Template.fromStack(stack).toJSON()`). */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Parameters?: Readonly<Record<string, CfnParameter>>;
}

/** Resource types the local stack creates in the emulators. */
export const PROVISIONED_TYPES = ['AWS::DynamoDB::Table', 'AWS::Kinesis::Stream', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::S3::Bucket'] as const;

/** One of {@link PROVISIONED_TYPES}. */
export type ProvisionedType = (typeof PROVISIONED_TYPES)[number];

/**
 * Types that are not created but that the local stack still knows by name and ARN, because other
 * resources refer to them (a function's name in an event source mapping, the API in its methods, a
 * delivery stream as a subscription's endpoint, a state machine in a function's environment).
 */
export const VIRTUAL_TYPES = ['AWS::Lambda::Function', 'AWS::ApiGateway::RestApi', 'AWS::KinesisFirehose::DeliveryStream', 'AWS::StepFunctions::StateMachine'] as const;

/** A resource the local stack knows: created in an emulator, or virtual (see {@link VIRTUAL_TYPES}). */
export interface LocalResource {
  readonly logicalId: string;
  readonly type: string;
  /** Table, stream, queue, topic or function name; the subscription ARN for a subscription. */
  readonly name: string;
  readonly arn: string;
  /** Queue URL, for queues. */
  readonly url?: string;
  /**
   * A subscription of protocol `firehose`: the local queue that stands in for the delivery stream's
   * Direct PUT input (SNS fans out to SQS only locally); the stream's delivery polls it.
   */
  readonly queue?: { readonly name: string; readonly arn: string; readonly url: string };
  /** What `Ref` returns for this type. */
  readonly ref: string;
  /** What `Fn::GetAtt` can return, by attribute name (`Arn`, `QueueUrl`, `StreamArn`...). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Logical ID → resource. */
export type ResourceMap = Readonly<Record<string, LocalResource>>;

/** Values of the pseudo parameters (`AWS::Region`...) used when resolving intrinsics. */
export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly stackName: string;
}

/** A resource the local stack does not create (IAM, log groups, alarms...). */
export interface SkippedResource {
  readonly logicalId: string;
  readonly type: string;
}

/** What {@link provisionFromTemplate} created: the input of every `resolve*` function. */
export interface ProvisionedStack {
  readonly resources: ResourceMap;
  readonly skipped: readonly SkippedResource[];
  readonly pseudoParameters: PseudoParameters;
}

/** Raised when a template cannot be turned into local resources; names the resource and property. */
export class TemplateResolutionError extends Error {
  override readonly name = 'TemplateResolutionError';
}

/** `DependsOn` as a list. */
export const dependsOnList = (resource: CfnResource): readonly string[] =>
  resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;

/** The resources of `template` of one type, as `[logicalId, resource]` pairs. */
export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
