import { TAG_CREATED_BY } from '../../../shared/domain/tags';
import type { InstanceProfileSpec, InstanceRolePort, RoleFacts } from '../../aws/ports/account-ports';
import type { CallOptions } from '../../aws/ports/ec2-types';
import { TAG_BUCKET_PREFIX } from './instance-policy';

/**
 * What is wrong with an existing role that has TrainDeck's name for this bucket prefix, as
 * short phrases (none: it is TrainDeck's own and may be reused). The name is predictable, so
 * someone else may have made it: a role EC2 is not the only one to assume, with a managed or
 * foreign inline policy, or without TrainDeck's tags would hand a run's instance more than its
 * prefix (or hand the prefix to someone else).
 */
export function roleMismatches(spec: InstanceProfileSpec, facts: RoleFacts): string[] {
  const problems: string[] = [];
  if (!onlyEc2MayAssume(facts.trustPolicy)) problems.push('its trust policy lets more than EC2 assume it');
  if (facts.attachedPolicies.length > 0) {
    problems.push(`managed policies are attached to it (${facts.attachedPolicies.join(', ')})`);
  }
  const foreign = facts.inlinePolicies.filter((name) => name !== spec.policyName);
  if (foreign.length > 0) problems.push(`it has other inline policies (${foreign.join(', ')})`);
  if (!facts.tags[TAG_CREATED_BY]?.startsWith('traindeck/')) {
    problems.push(`it has no ${TAG_CREATED_BY} tag of TrainDeck`);
  } else if (facts.tags[TAG_BUCKET_PREFIX] !== spec.tags[TAG_BUCKET_PREFIX]) {
    problems.push(`its ${TAG_BUCKET_PREFIX} tag is not ${spec.tags[TAG_BUCKET_PREFIX] ?? ''}`);
  }
  return problems;
}

/** The sentence and fix of a role that may not be reused; undefined when there is no such role or it is TrainDeck's own. */
export async function checkInstanceRole(
  port: InstanceRolePort,
  spec: InstanceProfileSpec,
  options: CallOptions = {},
): Promise<{ message: string; fix: string } | undefined> {
  const facts = await port.describeRole(spec.roleName, options);
  const problems = facts ? roleMismatches(spec, facts) : [];
  if (problems.length === 0) return undefined;
  return {
    message: `the IAM role ${spec.roleName} exists but is not TrainDeck's own: ${problems.join('; ')}`,
    fix: `Delete the role ${spec.roleName} in IAM (TrainDeck then creates its own), or choose another storage.prefix.`,
  };
}

function onlyEc2MayAssume(trustPolicy: string): boolean {
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(trustPolicy) as { Statement?: unknown };
  } catch {
    return false;
  }
  const statements = [document.Statement ?? []].flat() as Array<Record<string, unknown>>;
  return (
    statements.length > 0 &&
    statements.every((statement) => {
      const principal = statement.Principal as { Service?: unknown } | undefined;
      const services = [principal?.Service ?? []].flat();
      const actions = [statement.Action ?? []].flat();
      return (
        statement.Effect === 'Allow' &&
        principal !== undefined &&
        Object.keys(principal).length === 1 &&
        services.length === 1 &&
        services[0] === 'ec2.amazonaws.com' &&
        actions.length === 1 &&
        actions[0] === 'sts:AssumeRole' &&
        !('NotPrincipal' in statement) &&
        !('NotAction' in statement)
      );
    })
  );
}
