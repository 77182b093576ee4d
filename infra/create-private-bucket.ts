import type { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { pinLogicalId } from './logical-id';
import { acknowledgeNagFinding } from './nag';

/**
 * A bucket only this stack's roles write: SSE-S3, TLS only, public access blocked, ACLs off, never
 * emptied on delete, its logical ID pinned to `id`. `withoutAccessLogsBecause` is the reason no access-log
 * bucket is kept (cdk-nag AwsSolutions-S1), specific to what the bucket holds.
 */
export const createPrivateBucket = (
  scope: Construct,
  id: string,
  props: { removalPolicy: RemovalPolicy; lifecycleRules?: s3.LifecycleRule[]; withoutAccessLogsBecause: string },
): s3.Bucket => {
  const bucket = pinLogicalId(
    new s3.Bucket(scope, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
      ...(props.lifecycleRules && { lifecycleRules: props.lifecycleRules }),
    }),
    id,
  );
  acknowledgeNagFinding(bucket, 'AwsSolutions-S1', props.withoutAccessLogsBecause);
  return bucket;
};
