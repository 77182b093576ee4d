/**
 * Local resources from the synthesized CloudFormation template, so local and cloud cannot drift:
 * {@link provisionFromTemplate} creates tables, streams, queues, topics and SQS subscriptions (Firehose
 * ones through a stand-in queue) in the emulators; the `resolve*` functions read what the in-process runtime needs (functions and their
 * environment, event source mappings, the REST API) against the resulting resource map.
 */
import { LOCAL_ACCOUNT_ID } from './emulators/emulator';
import type { CfnTemplate, ProvisionedStack } from './template/cfn-template';
import type { ProvisionClients } from './template/provision-clients';
import { provisionResources } from './template/provision-resources';

export {
  TemplateResolutionError,
  type CfnResource,
  type CfnTemplate,
  type LocalResource,
  type ProvisionedStack,
  type PseudoParameters,
  type ResourceMap,
  type SkippedResource,
} from './template/cfn-template';
export { UnresolvableIntrinsicError, resolveIntrinsics } from './template/intrinsics';
export type { ProvisionClients } from './template/provision-clients';
export { ENTRY_METADATA_KEY, resolveFunctions, type ResolvedFunction } from './template/resolve-functions';
export { resolveSchedules, type ResolvedSchedule } from './template/resolve-schedules';
export { resolveDeliveryStreams, type DeliverySource, type ResolvedDeliveryStream } from './template/resolve-delivery-streams';
export {
  resolveEventSourceMappings,
  type MappingEndpoint,
  type ResolvedEventSourceMapping,
  type StartingPosition,
} from './template/resolve-event-source-mappings';
export {
  resolveRestApis,
  type GatewayResponseDefinition,
  type ModelSchema,
  type ResolvedApiKey,
  type ResolvedApiMethod,
  type ResolvedIntegration,
  type ResolvedModel,
  type ResolvedRestApi,
  type ThrottleSettings,
} from './template/resolve-rest-apis';

/** Options of {@link provisionFromTemplate}. */
export interface ProvisionOptions {
  /** Put before every resource name, so several tests can share one set of emulators. @default '' */
  readonly namePrefix?: string;
  /** `AWS::Region`. @default the region of the SQS client */
  readonly region?: string;
  /** `AWS::AccountId`. @default `000000000000`, the emulators' account */
  readonly accountId?: string;
  /** `AWS::StackName`. @default `local` */
  readonly stackName?: string;
}

/**
 * Creates the template's DynamoDB tables (with GSIs, LSIs and TTL), Kinesis streams (ACTIVE when this
 * resolves), SQS queues (dead-letter queues first, redrive policies pointing at their local ARNs), SNS
 * topics and SQS subscriptions, and returns the map logical ID → local name, ARN and URL. Functions
 * and REST APIs are in the map too (named, not created); other resource types are listed in
 * `skipped`. Names are the template's where it sets one, else derived from the logical ID; the prefix
 * is put before both. Re-running against the same emulators reuses what exists.
 */
export const provisionFromTemplate = async (template: CfnTemplate, clients: ProvisionClients, options: ProvisionOptions = {}): Promise<ProvisionedStack> => {
  const region = options.region ?? (await clients.sqs.config.region());
  return provisionResources(template, clients, {
    namePrefix: options.namePrefix,
    pseudoParameters: {
      region,
      accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
      stackName: options.stackName ?? 'local',
    },
  });
};
