import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { TAG_CREATED_BY } from '../../../shared/domain/tags';
import { storageSchema } from '../../../shared/run-config/schema';
import { FakeAws } from '../../aws/fake/fake-aws';
import { FakeClock } from '../../aws/testing/fake-clock';
import { instancePolicyDocument, instanceProfileSpec, TAG_BUCKET_PREFIX } from './instance-policy';
import { checkInstanceRole } from './instance-role-check';
import { iamPatternMatches } from './testing/iam-pattern';

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const statements = (prefix: string) =>
  (JSON.parse(instancePolicyDocument('td-data', prefix)) as { Statement: Statement[] }).Statement;

// Prefixes the run config's schema accepts, drawn from characters that include every IAM special one.
const anyPrefix = fc
  .array(fc.constantFrom('a', 'b', '/', '*', '?', '$', '{', '}', '.', '-', ' ', 'é'), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''));
const accepted = (prefix: string) => storageSchema.safeParse({ bucket: 'td-data', prefix, sseKeyFile: 'k' }).success;
const anyKey = fc
  .array(fc.constantFrom('a', 'b', '/', 'x', '*', '?', '$'), { maxLength: 10 })
  .map((chars) => chars.join(''));

describe('the instance policy never reaches beyond bucket/prefix/', () => {
  it('property: for every prefix the schema accepts, each object key the policy matches starts with prefix/', () => {
    fc.assert(
      fc.property(anyPrefix, anyKey, anyKey, (prefix, inside, outside) => {
        fc.pre(accepted(prefix) && prefix !== '');
        const resources = statements(prefix)
          .slice(1)
          .map((s) => s.Resource);
        const key = `arn:aws:s3:::td-data/${outside}`;
        for (const resource of resources) {
          expect(resource).toBe(`arn:aws:s3:::td-data/${prefix}/*`);
          expect(iamPatternMatches(resource, `arn:aws:s3:::td-data/${prefix}/${inside}`)).toBe(true);
          if (!outside.startsWith(`${prefix}/`)) expect(iamPatternMatches(resource, key)).toBe(false);
        }
        const listed = statements(prefix)[0]!.Condition!.StringLike!['s3:prefix'] as string[];
        if (outside !== prefix && !outside.startsWith(`${prefix}/`)) {
          expect(listed.some((pattern) => iamPatternMatches(pattern, outside))).toBe(false);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('the schema refuses *, ? and $ in a prefix, and the policy refuses them from any other caller', () => {
    for (const prefix of ['runs/*', 'run?', 'runs/${aws:username}', 'a$b']) {
      expect(accepted(prefix)).toBe(false);
      expect(() => instancePolicyDocument('td-data', prefix)).toThrow(/contains \*, \? or \$/);
    }
  });

  it('shrunk counterexamples of the code before: "*" and "a?" widened the grant to other prefixes', () => {
    // Kept by name: with the old schema these were accepted and matched another team's objects.
    expect(iamPatternMatches('arn:aws:s3:::td-data/*/*', 'arn:aws:s3:::td-data/other/x')).toBe(true);
    expect(accepted('*')).toBe(false);
    expect(accepted('a?')).toBe(false);
  });

  it('a write is allowed only with SSE-C (AES256 customer key)', () => {
    const write = statements('team/demo').find((s) => [s.Action].flat().includes('s3:PutObject'))!;
    expect(write.Condition).toEqual({
      StringEquals: { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' },
    });
    expect(statements('team/demo').filter((s) => [s.Action].flat().includes('s3:PutObject'))).toHaveLength(1);
  });

  it('an EC2 run needs a prefix: no instance role for a whole bucket', () => {
    expect(() => instanceProfileSpec('td-data', '', 'traindeck/test')).toThrow(/needs a storage prefix/);
  });
});

describe('reusing a role with TrainDeck’s name (stateful fake IAM)', () => {
  const spec = instanceProfileSpec('td-data', 'team/demo', 'traindeck/test');
  const fakeWith = (role?: Parameters<FakeAws['roles']['set']>[1]) => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: ['eu-west-1'] });
    if (role) fake.roles.set(spec.roleName, role);
    return fake.ports().instanceRole;
  };
  const ours = () => ({
    policies: new Map([[spec.policyName, spec.policyDocument]]),
    tags: { [TAG_CREATED_BY]: 'traindeck/0.9.0', [TAG_BUCKET_PREFIX]: 'td-data/team/demo' },
  });

  it('no role yet, or TrainDeck’s own (another version made it): reused', async () => {
    expect(await checkInstanceRole(fakeWith(), spec)).toBeUndefined();
    const port = fakeWith();
    await port.ensureInstanceProfile(spec);
    expect(await checkInstanceRole(port, spec)).toBeUndefined();
    expect(await checkInstanceRole(fakeWith(ours()), spec)).toBeUndefined();
  });

  it.each([
    [
      'a trust policy that lets another account assume it',
      {
        trustPolicy: JSON.stringify({
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
          ],
        }),
      },
      /trust policy lets more than EC2 assume it/,
    ],
    ['a managed policy attached', { attached: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'] }, /AmazonS3FullAccess/],
    ['a foreign inline policy', { policies: new Map([['everything', '{}']]) }, /other inline policies \(everything\)/],
    ['no TrainDeck tag', { tags: {} }, /no traindeck:created-by tag/],
    [
      'the tag of another prefix',
      { tags: { [TAG_CREATED_BY]: 'traindeck/0.9.0', [TAG_BUCKET_PREFIX]: 'td-data/other' } },
      /bucket-prefix tag is not td-data\/team\/demo/,
    ],
  ])('%s: a preflight failure that names the fix', async (_name, change, message) => {
    const found = await checkInstanceRole(fakeWith({ ...ours(), ...change }), spec);
    expect(found?.message).toMatch(message);
    expect(found?.fix).toBe(
      `Delete the role ${spec.roleName} in IAM (TrainDeck then creates its own), or choose another storage.prefix.`,
    );
  });
});
