import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { PricingClient } from '@aws-sdk/client-pricing';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

import { annotateAwsCalls } from './aws-call-context';
import { type AwsSettings, baseConfig } from './client-config';

export type { AwsSettings } from './client-config';
export { createS3Client, hasCustomS3Endpoint, type S3PoolOptions } from './s3-client';

/** EC2 client for one region. */
export const createEc2Client = (settings: AwsSettings) =>
  annotateAwsCalls(new EC2Client(baseConfig('EC2', settings)), 'EC2', settings);
/** STS client (identity checks). */
export const createStsClient = (settings: AwsSettings) =>
  annotateAwsCalls(new STSClient(baseConfig('STS', settings)), 'STS', settings);
/** IAM client (the instance role and profile). */
export const createIamClient = (settings: AwsSettings) =>
  annotateAwsCalls(new IAMClient(baseConfig('IAM', settings)), 'IAM', settings);
/** SSM client (public AMI parameters). */
export const createSsmClient = (settings: AwsSettings) =>
  annotateAwsCalls(new SSMClient(baseConfig('SSM', settings)), 'SSM', settings);
/** CloudWatch client (instance metrics). */
export const createCloudWatchClient = (settings: AwsSettings) =>
  annotateAwsCalls(new CloudWatchClient(baseConfig('CLOUDWATCH', settings)), 'CLOUDWATCH', settings);
/** Service Quotas client (vCPU limits). */
export const createServiceQuotasClient = (settings: AwsSettings) =>
  annotateAwsCalls(new ServiceQuotasClient(baseConfig('SERVICE_QUOTAS', settings)), 'SERVICE_QUOTAS', settings);
/** Elastic Load Balancing v2 client (the cost scanner lists and kill-all deletes load balancers). */
export const createElbv2Client = (settings: AwsSettings) =>
  annotateAwsCalls(
    new ElasticLoadBalancingV2Client(baseConfig('ELASTIC_LOAD_BALANCING_V2', settings)),
    'ELASTIC_LOAD_BALANCING_V2',
    settings,
  );

/**
 * The Price List endpoint TrainDeck asks: AWS serves the API from us-east-1 (and eu-central-1,
 * ap-south-1) whatever region the prices are for.
 */
export const PRICE_LIST_API_REGION = 'us-east-1';
/** Price List client (GetProducts), always at {@link PRICE_LIST_API_REGION}. */
export const createPricingClient = (settings: AwsSettings) => {
  const at = { ...settings, region: PRICE_LIST_API_REGION };
  return annotateAwsCalls(new PricingClient(baseConfig('PRICING', at)), 'PRICING', at);
};
