import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { DescribeServicesCommand } from '@aws-sdk/client-pricing';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListServicesCommand } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';

import {
  type AwsSettings,
  createCloudWatchClient,
  createEc2Client,
  createElbv2Client,
  createIamClient,
  createPricingClient,
  createS3Client,
  createServiceQuotasClient,
  createSsmClient,
  createStsClient,
} from '../client-factory';
import type { AwsServiceId } from '../endpoints';

/** A client factory of main/aws, as the tests that must cover every one of them see it. */
export interface ClientFactoryCall {
  id: AwsServiceId;
  /** The service name AWS signs for (tells the requests apart). */
  signingName: string;
  /** Makes a client with `settings` and sends one harmless call. */
  call: (settings: AwsSettings) => Promise<unknown>;
}

/** Every client factory of `client-factory.ts`, each with a harmless call: a new factory belongs here. */
export const EVERY_CLIENT_FACTORY: ClientFactoryCall[] = [
  { id: 'EC2', signingName: 'ec2', call: (s) => createEc2Client(s).send(new DescribeRegionsCommand({})) },
  { id: 'S3', signingName: 's3', call: (s) => createS3Client(s).send(new ListBucketsCommand({})) },
  { id: 'STS', signingName: 'sts', call: (s) => createStsClient(s).send(new GetCallerIdentityCommand({})) },
  { id: 'IAM', signingName: 'iam', call: (s) => createIamClient(s).send(new ListRolesCommand({})) },
  { id: 'SSM', signingName: 'ssm', call: (s) => createSsmClient(s).send(new GetParameterCommand({ Name: '/a' })) },
  {
    id: 'CLOUDWATCH',
    signingName: 'monitoring',
    call: (s) => createCloudWatchClient(s).send(new ListMetricsCommand({})),
  },
  {
    id: 'SERVICE_QUOTAS',
    signingName: 'servicequotas',
    call: (s) => createServiceQuotasClient(s).send(new ListServicesCommand({})),
  },
  {
    id: 'ELASTIC_LOAD_BALANCING_V2',
    signingName: 'elasticloadbalancing',
    call: (s) => createElbv2Client(s).send(new DescribeLoadBalancersCommand({})),
  },
  { id: 'PRICING', signingName: 'pricing', call: (s) => createPricingClient(s).send(new DescribeServicesCommand({})) },
];
