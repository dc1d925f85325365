import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  type IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';

import { awsErrorCode } from '../aws-errors';
import type { InstanceRolePort } from '../ports/account-ports';
import { sendOptions, toTagList } from './sdk-tags';

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

async function exists(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (awsErrorCode(error) === 'NoSuchEntity' || awsErrorCode(error) === 'NoSuchEntityException') return false;
    throw error;
  }
}

/**
 * The instance role over IAM. The role and profile are shared by every run on the same bucket
 * prefix (IAM is free and slow to propagate), so they are created once and reused; the inline
 * policy is rewritten each time so it never drifts from what this version grants.
 */
export function createInstanceRoleAdapter(iam: IAMClient): InstanceRolePort {
  return {
    async ensureInstanceProfile(spec, { signal } = {}) {
      const options = sendOptions(signal);
      let created = false;
      if (!(await exists(() => iam.send(new GetRoleCommand({ RoleName: spec.roleName }), options)))) {
        await iam.send(
          new CreateRoleCommand({
            RoleName: spec.roleName,
            AssumeRolePolicyDocument: EC2_TRUST,
            Description: spec.description,
            Tags: toTagList(spec.tags),
          }),
          options,
        );
        created = true;
      }
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: spec.roleName,
          PolicyName: spec.policyName,
          PolicyDocument: spec.policyDocument,
        }),
        options,
      );
      let roles: string[] = [];
      try {
        const { InstanceProfile } = await iam.send(
          new GetInstanceProfileCommand({ InstanceProfileName: spec.profileName }),
          options,
        );
        roles = (InstanceProfile?.Roles ?? []).map((role) => role.RoleName ?? '');
      } catch (error) {
        if (awsErrorCode(error) !== 'NoSuchEntity' && awsErrorCode(error) !== 'NoSuchEntityException') throw error;
        await iam.send(
          new CreateInstanceProfileCommand({ InstanceProfileName: spec.profileName, Tags: toTagList(spec.tags) }),
          options,
        );
        created = true;
      }
      if (!roles.includes(spec.roleName)) {
        await iam.send(
          new AddRoleToInstanceProfileCommand({ InstanceProfileName: spec.profileName, RoleName: spec.roleName }),
          options,
        );
        created = true;
      }
      return { created };
    },
  };
}
