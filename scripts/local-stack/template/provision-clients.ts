import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CfnResource, LocalResource, PseudoParameters } from './cfn-template';

/** SDK v3 clients pointed at the emulators. */
export interface ProvisionClients {
  readonly dynamodb: DynamoDBClient;
  readonly kinesis: KinesisClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
}

/** What one resource provisioner gets. */
export interface ProvisionRequest {
  readonly logicalId: string;
  readonly resource: CfnResource;
  /** The local name (prefix and naming rules applied). */
  readonly name: string;
  /**
   * The resource's properties with intrinsics resolved, for the properties the provisioner reads
   * only (a KMS key reference on a queue is never resolved, since no KMS key exists locally).
   */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly clients: ProvisionClients;
  readonly pseudoParameters: PseudoParameters;
}

/** Creates one resource type in its emulator; reuses a resource of the same name that already exists. */
export interface ResourceProvisioner {
  /** The properties whose intrinsics must be resolved before {@link ResourceProvisioner.create}. */
  readonly usedProperties: readonly string[];
  create(request: ProvisionRequest): Promise<LocalResource>;
}

/** A CloudFormation number (numbers arrive as numbers or strings). */
export const toNumber = (value: unknown): number | undefined => (value === undefined || value === null || value === '' ? undefined : Number(value));

/** A CloudFormation boolean (`true` or `"true"`). */
export const toBoolean = (value: unknown): boolean => value === true || value === 'true';

/** An attribute value as the SQS and SNS APIs take it: strings, with JSON for objects. */
export const toAttributeString = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

/** Polls `check` until it returns true, for resources that pass through CREATING. */
export const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 50): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what} did not become ACTIVE within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
