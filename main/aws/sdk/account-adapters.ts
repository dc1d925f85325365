import {
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

import { awsErrorCode } from '../aws-errors';
import type { BucketPort, IdentityPort, ParameterPort, QuotaPort } from '../ports/account-ports';
import { sendOptions } from './sdk-tags';

/** STS identity. */
export function createIdentityAdapter(sts: STSClient): IdentityPort {
  return {
    async whoAmI({ signal } = {}) {
      const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}), sendOptions(signal));
      return { account: Account ?? '', arn: Arn ?? '' };
    },
  };
}

/** The region S3 names in a redirect or error response, when it names one. */
function regionFromError(error: unknown): string | undefined {
  const headers = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers;
  return headers?.['x-amz-bucket-region'];
}

/** The run's bucket over S3. */
export function createBucketAdapter(s3: S3Client): BucketPort {
  return {
    async bucketRegion(Bucket, { signal } = {}) {
      try {
        const { BucketRegion } = await s3.send(new HeadBucketCommand({ Bucket }), sendOptions(signal));
        return BucketRegion ?? (await s3.config.region());
      } catch (error) {
        // A bucket in another region answers 301 with its region in a header: that is an answer, not a failure.
        const region = regionFromError(error);
        if (region && awsErrorCode(error) !== 'NotFound' && awsErrorCode(error) !== 'Forbidden') return region;
        throw error;
      }
    },
    async versioning(Bucket, { signal } = {}) {
      const { Status } = await s3.send(new GetBucketVersioningCommand({ Bucket }), sendOptions(signal));
      return Status === 'Enabled' ? 'enabled' : Status === 'Suspended' ? 'suspended' : 'off';
    },
    async probeSseC(Bucket, Key, sse, { signal } = {}) {
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: new Uint8Array(0), ...sse }), sendOptions(signal));
      await s3.send(new DeleteObjectCommand({ Bucket, Key }), sendOptions(signal));
    },
  };
}

/** EC2 vCPU quotas from Service Quotas; the AWS default when the account has no applied value. */
export function createQuotaAdapter(quotas: ServiceQuotasClient): QuotaPort {
  return {
    async vcpuQuota(QuotaCode, { signal } = {}) {
      try {
        const { Quota } = await quotas.send(
          new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode }),
          sendOptions(signal),
        );
        if (Quota?.Value !== undefined) return { value: Quota.Value, source: 'applied' };
      } catch (error) {
        if (awsErrorCode(error) !== 'NoSuchResourceException') throw error;
      }
      const { Quota } = await quotas.send(
        new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode }),
        sendOptions(signal),
      );
      return Quota?.Value === undefined ? undefined : { value: Quota.Value, source: 'default' };
    },
  };
}

/** Public SSM parameters. */
export function createParameterAdapter(ssm: SSMClient): ParameterPort {
  return {
    async getParameter(Name, { signal } = {}) {
      try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name }), sendOptions(signal));
        return Parameter?.Value;
      } catch (error) {
        if (awsErrorCode(error) === 'ParameterNotFound') return undefined;
        throw error;
      }
    },
  };
}
