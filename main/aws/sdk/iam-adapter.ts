import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';

import { awsErrorCode } from '../aws-errors';
import { EC2_TRUST } from '../ec2-trust-policy';
import type { InstanceRolePort } from '../ports/account-ports';
import { sendOptions, toTagList } from './sdk-tags';

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
    async describeRole(roleName, { signal } = {}) {
      const options = sendOptions(signal);
      let role;
      try {
        role = (await iam.send(new GetRoleCommand({ RoleName: roleName }), options)).Role;
      } catch (error) {
        if (awsErrorCode(error) === 'NoSuchEntity' || awsErrorCode(error) === 'NoSuchEntityException') return undefined;
        throw error;
      }
      // One page each: a TrainDeck role has no managed policy and one inline policy, so a full page is already wrong.
      const [attached, inline] = await Promise.all([
        iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, MaxItems: 100 }), options),
        iam.send(new ListRolePoliciesCommand({ RoleName: roleName, MaxItems: 100 }), options),
      ]);
      return {
        // IAM returns the trust policy URL-encoded.
        trustPolicy: decodeURIComponent(role?.AssumeRolePolicyDocument ?? '{}'),
        attachedPolicies: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? p.PolicyName ?? '?'),
        inlinePolicies: inline.PolicyNames ?? [],
        tags: Object.fromEntries((role?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      };
    },
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
