import { BucketAlreadyOwnedByYou, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { LocalResource } from './cfn-template';
import type { ProvisionRequest, ResourceProvisioner } from './provision-clients';

/**
 * `AWS::S3::Bucket` in s3rver: the bucket only. Encryption, public-access blocks, lifecycle rules and
 * bucket policies are AWS's to enforce; the infra tests check them in the template.
 */
export const s3BucketProvisioner: ResourceProvisioner = {
  usedProperties: [],
  async create({ logicalId, name, clients }: ProvisionRequest): Promise<LocalResource> {
    try {
      await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
    } catch (error) {
      if (!(error instanceof BucketAlreadyOwnedByYou) && (error as Error).name !== 'BucketAlreadyOwnedByYou' && (error as Error).name !== 'BucketAlreadyExists') throw error;
    }
    const arn = `arn:aws:s3:::${name}`;
    return { logicalId, type: 'AWS::S3::Bucket', name, arn, ref: name, attributes: { Arn: arn, DomainName: `${name}.s3.amazonaws.com` } };
  },
};
