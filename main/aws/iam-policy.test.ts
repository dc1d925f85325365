import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { TRAINDECK_USER_ACTIONS, TRAINDECK_USER_POLICY } from '../../shared/domain/iam-policy';

/** The IAM prefix of each SDK client package main/aws imports. */
const SERVICE: Record<string, string> = {
  ec2: 'ec2',
  s3: 's3',
  iam: 'iam',
  sts: 'sts',
  ssm: 'ssm',
  cloudwatch: 'cloudwatch',
  'service-quotas': 'servicequotas',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  pricing: 'pricing',
};

// S3 calls whose IAM action has another name (the S3 documentation's "permissions required" column).
const S3_ACTION: Record<string, string> = {
  HeadBucket: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  HeadObject: 'GetObject',
  CopyObject: 'PutObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  DeleteObjects: 'DeleteObject',
  ListParts: 'ListMultipartUploadParts',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
};
// Calls only tests and the bucket tools of the benches make (TrainDeck never creates or deletes a user's bucket).
const NOT_FOR_THE_APP = new Set(['s3:CreateBucket', 's3:DeleteBucket']);

/** Every "service:Call" the source files of main/aws make through the SDK (commands and paginators). */
function callsInMainAws(): Set<string> {
  const root = join(import.meta.dirname);
  const files = [
    ...readdirSync(root).map((f) => join(root, f)),
    ...readdirSync(join(root, 'sdk')).map((f) => join(root, 'sdk', f)),
  ].filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const calls = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from '@aws-sdk\/client-([a-z0-9-]+)'/g)) {
      const [, names = '', pkg = ''] = match;
      const service = SERVICE[pkg];
      if (!service) throw new Error(`unknown SDK client ${pkg} in ${file}`);
      for (const name of names.split(',').map((n) => n.trim())) {
        const call = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (!call) continue;
        calls.add(`${service}:${service === 's3' ? (S3_ACTION[call] ?? call) : call}`);
      }
    }
  }
  return calls;
}

describe('the IAM policy the first-start screen offers', () => {
  it('allows every call main/aws makes', () => {
    const calls = [...callsInMainAws()].filter((call) => !NOT_FOR_THE_APP.has(call));
    expect(calls.length).toBeGreaterThan(40);
    expect(calls.filter((call) => !TRAINDECK_USER_ACTIONS.includes(call))).toEqual([]);
  });

  it('is valid JSON with the 2012-10-17 version, and lets IAM pass only TrainDeck roles', () => {
    const policy = JSON.parse(TRAINDECK_USER_POLICY) as {
      Version: string;
      Statement: Array<{ Action: string[]; Resource: unknown }>;
    };
    expect(policy.Version).toBe('2012-10-17');
    const iam = policy.Statement.find((s) => s.Action.includes('iam:PassRole'));
    expect(iam?.Resource).toEqual(['arn:aws:iam::*:role/TrainDeck-*', 'arn:aws:iam::*:instance-profile/TrainDeck-*']);
  });
});
