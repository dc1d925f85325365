/**
 * The permissions TrainDeck's own credentials need (the desktop user's, not the instance's: that
 * role is made per bucket prefix by main/lifecycle/provision/instance-policy.ts). One home for the
 * text the first-start screen offers to copy; every action is one a port adapter of main/aws calls.
 */
const STATEMENTS = [
  // Who the credentials are, and the short-lived, prefix-scoped credentials a run's sync gets.
  {
    Sid: 'IdentityAndScopedCredentials',
    Effect: 'Allow',
    Action: ['sts:GetCallerIdentity', 'sts:GetFederationToken', 'sts:AssumeRole'],
    Resource: '*',
  },
  {
    Sid: 'Ec2RunAndCleanUp',
    Effect: 'Allow',
    Action: [
      'ec2:DescribeRegions',
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceStatus',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeInstanceTypeOfferings',
      'ec2:DescribeImages',
      'ec2:DescribeVpcs',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeKeyPairs',
      'ec2:DescribeVolumes',
      'ec2:DescribeSnapshots',
      'ec2:DescribeAddresses',
      'ec2:DescribeNatGateways',
      'ec2:DescribeTags',
      'ec2:DescribeSpotPriceHistory',
      'ec2:GetConsoleOutput',
      'ec2:RunInstances',
      'ec2:CreateTags',
      'ec2:TerminateInstances',
      'ec2:CreateSecurityGroup',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:DeleteSecurityGroup',
      'ec2:ImportKeyPair',
      'ec2:DeleteKeyPair',
      'ec2:DeleteVolume',
      'ec2:DeleteSnapshot',
      'ec2:DisassociateAddress',
      'ec2:ReleaseAddress',
      'ec2:DeleteNatGateway',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DeleteLoadBalancer',
      'servicequotas:GetServiceQuota',
      'servicequotas:GetAWSDefaultServiceQuota',
      'ssm:GetParameter',
      'cloudwatch:GetMetricData',
      // The Price List API (true prices of the chosen region before launch).
      'pricing:GetProducts',
    ],
    Resource: '*',
  },
  {
    Sid: 'InstanceRoleForTheRunPrefix',
    Effect: 'Allow',
    Action: [
      'iam:GetRole',
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:GetInstanceProfile',
      'iam:CreateInstanceProfile',
      'iam:AddRoleToInstanceProfile',
      'iam:PassRole',
    ],
    Resource: ['arn:aws:iam::*:role/TrainDeck-*', 'arn:aws:iam::*:instance-profile/TrainDeck-*'],
  },
  {
    Sid: 'DataBucket',
    Effect: 'Allow',
    Action: [
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:GetBucketVersioning',
      's3:GetEncryptionConfiguration',
      's3:GetLifecycleConfiguration',
      's3:PutLifecycleConfiguration',
      's3:ListBucketMultipartUploads',
      's3:GetObject',
      's3:GetObjectTagging',
      's3:PutObject',
      's3:DeleteObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ],
    Resource: ['arn:aws:s3:::YOUR-BUCKET', 'arn:aws:s3:::YOUR-BUCKET/*'],
  },
] as const;

/** The IAM policy document for the credentials TrainDeck uses, as JSON text to paste into the IAM console. */
export const TRAINDECK_USER_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: STATEMENTS }, null, 2);

/** Every action the policy allows ("ec2:RunInstances"…), for tests and for a short summary. */
export const TRAINDECK_USER_ACTIONS: readonly string[] = STATEMENTS.flatMap((s) => [...s.Action]);
