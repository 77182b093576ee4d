import { createHash } from 'node:crypto';
import {
  dependsOnList,
  PROVISIONED_TYPES,
  TemplateResolutionError,
  type CfnResource,
  type CfnTemplate,
  type LocalResource,
  type ProvisionedStack,
  type PseudoParameters,
  type SkippedResource,
} from './cfn-template';
import { referencedLogicalIds, resolveIntrinsics, type IntrinsicContext } from './intrinsics';
import type { ProvisionClients, ResourceProvisioner } from './provision-clients';
import { dynamoDbTableProvisioner } from './provision-dynamodb-table';
import { kinesisStreamProvisioner } from './provision-kinesis-stream';
import { LOCAL_SUBSCRIPTION_PROTOCOLS, snsSubscriptionProvisioner, snsTopicProvisioner } from './provision-sns';
import { s3BucketProvisioner } from './provision-s3-bucket';
import { sqsQueueProvisioner } from './provision-sqs-queue';
import { fitExplicitName, nameProperty, planDerivedNames } from './resource-names';

const PROVISIONERS: Readonly<Record<(typeof PROVISIONED_TYPES)[number], ResourceProvisioner>> = {
  'AWS::DynamoDB::Table': dynamoDbTableProvisioner,
  'AWS::Kinesis::Stream': kinesisStreamProvisioner,
  'AWS::SQS::Queue': sqsQueueProvisioner,
  'AWS::SNS::Topic': snsTopicProvisioner,
  'AWS::SNS::Subscription': snsSubscriptionProvisioner,
  'AWS::S3::Bucket': s3BucketProvisioner,
};

/** A key id in KMS's format (a UUID), the same for the same logical id. */
const localKeyId = (name: string): string => {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

const isProvisionedType = (type: string): type is keyof typeof PROVISIONERS => type in PROVISIONERS;

/** Options of {@link provisionResources}. */
export interface ProvisionResourcesOptions {
  /** Put before every name, so several tests can share one set of emulators. @default '' */
  readonly namePrefix?: string;
  readonly pseudoParameters: PseudoParameters;
}

/**
 * Creates the template's tables, streams, queues, topics and SQS and Firehose subscriptions,
 * dependencies first (a DLQ before the queue whose redrive policy names it, a queue before its
 * subscription), each group of independent resources in parallel. Functions, REST APIs and delivery
 * streams are added to the map without being created; everything else is listed as skipped.
 */
export const provisionResources = async (template: CfnTemplate, clients: ProvisionClients, options: ProvisionResourcesOptions): Promise<ProvisionedStack> => {
  const prefix = options.namePrefix ?? '';
  const { pseudoParameters } = options;
  const resources: Record<string, LocalResource> = {};
  const context: IntrinsicContext = { template, resources, pseudoParameters };
  const derivedNames = planDerivedNames(template.Resources, prefix);
  const skipped: SkippedResource[] = [];
  const pending = new Map<string, CfnResource>();

  const localName = (logicalId: string, resource: CfnResource): string => {
    const property = nameProperty(resource.Type);
    const explicit = property ? resource.Properties?.[property] : undefined;
    if (explicit === undefined) return derivedNames.get(logicalId) ?? logicalId;
    const resolved = resolveIntrinsics(explicit, context, `${logicalId}.${property ?? ''}`);
    return fitExplicitName(String(resolved), prefix, resource);
  };

  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      const name = localName(logicalId, resource);
      const arn = `arn:${pseudoParameters.partition}:lambda:${pseudoParameters.region}:${pseudoParameters.accountId}:function:${name}`;
      resources[logicalId] = { logicalId, type: resource.Type, name, arn, ref: name, attributes: { Arn: arn } };
    } else if (resource.Type === 'AWS::ApiGateway::RestApi') {
      const name = localName(logicalId, resource);
      const id = logicalId.toLowerCase();
      const arn = `arn:${pseudoParameters.partition}:apigateway:${pseudoParameters.region}::/restapis/${id}`;
      resources[logicalId] = { logicalId, type: resource.Type, name, arn, ref: id, attributes: { RootResourceId: `${id}-root`, RestApiId: id } };
    } else if (resource.Type === 'AWS::KinesisFirehose::DeliveryStream') {
      // Delivered by the local stack's pollers (see resolveDeliveryStreams); named here so that a
      // subscription can name it as its endpoint.
      const name = localName(logicalId, resource);
      const arn = `arn:${pseudoParameters.partition}:firehose:${pseudoParameters.region}:${pseudoParameters.accountId}:deliverystream/${name}`;
      resources[logicalId] = { logicalId, type: resource.Type, name, arn, ref: name, attributes: { Arn: arn } };
    } else if (resource.Type === 'AWS::StepFunctions::StateMachine') {
      // Run in process from its definition (run-state-machine.ts); named here so that a function's
      // environment can carry its ARN, as the admin API's does.
      const name = localName(logicalId, resource);
      const arn = `arn:${pseudoParameters.partition}:states:${pseudoParameters.region}:${pseudoParameters.accountId}:stateMachine:${name}`;
      resources[logicalId] = { logicalId, type: resource.Type, name, arn, ref: arn, attributes: { Arn: arn, Name: name } };
    } else if (resource.Type === 'AWS::KMS::Key') {
      // The local KMS stub takes every key id of the local account: nothing to create, only a stable id.
      const keyId = localKeyId(prefix + logicalId);
      const arn = `arn:${pseudoParameters.partition}:kms:${pseudoParameters.region}:${pseudoParameters.accountId}:key/${keyId}`;
      resources[logicalId] = { logicalId, type: resource.Type, name: keyId, arn, ref: keyId, attributes: { Arn: arn, KeyId: keyId } };
    } else if (resource.Type === 'AWS::SecretsManager::Secret') {
      // No Secrets Manager locally: functions that read one get its value from the local stack instead
      // (the inbox signing secret: LOCAL_INBOX_SIGNING_SECRET); the ARN only has to resolve.
      const name = localName(logicalId, resource);
      const arn = `arn:${pseudoParameters.partition}:secretsmanager:${pseudoParameters.region}:${pseudoParameters.accountId}:secret:${name}-local`;
      resources[logicalId] = { logicalId, type: resource.Type, name, arn, ref: arn, attributes: {} };
    } else if (isProvisionedType(resource.Type) && !isUndeliverableSubscription(resource)) {
      pending.set(logicalId, resource);
    } else {
      skipped.push({ logicalId, type: resource.Type });
    }
  }

  const dependencies = new Map<string, Set<string>>();
  for (const [logicalId, resource] of pending) {
    const refs = referencedLogicalIds(resource.Properties ?? {});
    for (const dependency of dependsOnList(resource)) refs.add(dependency);
    dependencies.set(logicalId, new Set([...refs].filter((ref) => ref !== logicalId && pending.has(ref))));
  }

  while (pending.size > 0) {
    const ready = [...pending.keys()].filter((logicalId) => [...(dependencies.get(logicalId) ?? [])].every((dependency) => resources[dependency]));
    if (ready.length === 0) {
      throw new TemplateResolutionError(`circular dependencies between ${[...pending.keys()].join(', ')}`);
    }
    await Promise.all(
      ready.map(async (logicalId) => {
        const resource = pending.get(logicalId) as CfnResource;
        const provisioner = PROVISIONERS[resource.Type as keyof typeof PROVISIONERS];
        const properties: Record<string, unknown> = {};
        for (const property of provisioner.usedProperties) {
          const value = resource.Properties?.[property];
          if (value !== undefined) properties[property] = resolveIntrinsics(value, context, `${logicalId}.${property}`);
        }
        const name = localName(logicalId, resource);
        try {
          resources[logicalId] = await provisioner.create({ logicalId, resource, name, properties, clients, pseudoParameters });
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`could not create ${logicalId} (${resource.Type}) as ${name}: ${reason}`, { cause: error });
        }
      }),
    );
    for (const logicalId of ready) pending.delete(logicalId);
  }
  return { resources, skipped, pseudoParameters };
};

/** Subscriptions to anything but SQS and Firehose (email, lambda, https...) cannot be delivered locally. */
const isUndeliverableSubscription = (resource: CfnResource): boolean =>
  resource.Type === 'AWS::SNS::Subscription' && !LOCAL_SUBSCRIPTION_PROTOCOLS.includes(String(resource.Properties?.Protocol));
