import type { FakeAws } from '../fake/fake-aws';
import { awsError } from '../fake/fake-error';
import { priceListItem } from './price-list-items';
import { el, memberTags, type QueryAnswer, queryAnswer, type QueryRequest } from './query-protocol';

const STS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ELB = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

const json = (body: unknown): QueryAnswer => ({
  status: 200,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify(body),
});

/**
 * What a run asks of the account besides EC2, answered from the fake's state: STS identity,
 * the IAM role and instance profile (created once, propagated at once), SSM's public AMI
 * parameters, Service Quotas (`appliedVcpuQuota` where the account has no applied value), ELB v2
 * (the scanner's load balancers) and CloudWatch (no data points, JSON 1.0). Undefined: not served.
 */
export async function accountAction(
  fake: FakeAws,
  request: QueryRequest,
  appliedVcpuQuota: number | undefined,
): Promise<QueryAnswer | undefined> {
  const { action, params, region } = request;
  switch (action) {
    case 'GetCallerIdentity': {
      const { account, arn } = await fake.ports().identity.whoAmI();
      return queryAnswer(action, STS, el('Arn', arn) + el('UserId', 'AIDTEST') + el('Account', account));
    }
    case 'GetRole': {
      const name = params.get('RoleName') ?? '';
      const role = fake.roles.get(name);
      if (!role) throw awsError('NoSuchEntity', `The role with name ${name} cannot be found.`);
      // As IAM: the trust policy URL-encoded, the tags as members (TrainDeck checks both before reusing a role).
      const tags = Object.entries(role.tags).map(([k, v]) => `<member>${el('Key', k)}${el('Value', v)}</member>`);
      return queryAnswer(
        action,
        IAM,
        `<Role>${el('RoleName', name)}${el('Arn', roleArn(fake, name))}${el('AssumeRolePolicyDocument', encodeURIComponent(role.trustPolicy ?? ''))}<Tags>${tags.join('')}</Tags></Role>`,
      );
    }
    case 'ListAttachedRolePolicies':
    case 'ListRolePolicies': {
      const role = fake.roles.get(params.get('RoleName') ?? '');
      if (!role) throw awsError('NoSuchEntity', 'The role cannot be found.');
      const members =
        action === 'ListRolePolicies'
          ? `<PolicyNames>${[...role.policies.keys()].map((n) => `<member>${n}</member>`).join('')}</PolicyNames>`
          : `<AttachedPolicies>${(role.attached ?? []).map((arn) => `<member>${el('PolicyArn', arn)}</member>`).join('')}</AttachedPolicies>`;
      return queryAnswer(action, IAM, `${members}${el('IsTruncated', false)}`);
    }
    case 'CreateRole': {
      const name = params.get('RoleName') ?? '';
      fake.roles.set(name, {
        policies: new Map(),
        tags: memberTags(params),
        trustPolicy: params.get('AssumeRolePolicyDocument') ?? '',
      });
      return queryAnswer(action, IAM, `<Role>${el('RoleName', name)}${el('Arn', roleArn(fake, name))}</Role>`);
    }
    case 'PutRolePolicy': {
      const role = fake.roles.get(params.get('RoleName') ?? '');
      if (!role) throw awsError('NoSuchEntity', 'The role cannot be found.');
      role.policies.set(params.get('PolicyName') ?? '', params.get('PolicyDocument') ?? '');
      return queryAnswer(action, IAM, '');
    }
    case 'GetInstanceProfile': {
      const name = params.get('InstanceProfileName') ?? '';
      const profile = fake.profiles.get(name);
      if (!profile) throw awsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`);
      const roles = profile.roles.map((role) => `<member>${el('RoleName', role)}</member>`).join('');
      return queryAnswer(
        action,
        IAM,
        `<InstanceProfile>${el('InstanceProfileName', name)}<Roles>${roles}</Roles></InstanceProfile>`,
      );
    }
    case 'CreateInstanceProfile': {
      const name = params.get('InstanceProfileName') ?? '';
      fake.profiles.set(name, { roles: [], readyAt: fake.options.clock.now() });
      return queryAnswer(action, IAM, `<InstanceProfile>${el('InstanceProfileName', name)}<Roles/></InstanceProfile>`);
    }
    case 'AddRoleToInstanceProfile': {
      const profile = fake.profiles.get(params.get('InstanceProfileName') ?? '');
      if (!profile) throw awsError('NoSuchEntity', 'The instance profile cannot be found.');
      profile.roles.push(params.get('RoleName') ?? '');
      return queryAnswer(action, IAM, '');
    }
    case 'GetParameter': {
      const name = String(request.json.Name ?? '');
      const value = await fake.ports().parameters(region).getParameter(name);
      if (value === undefined) throw awsError('ParameterNotFound', `Parameter ${name} not found.`);
      return json({ Parameter: { Name: name, Type: 'String', Value: value } });
    }
    case 'GetServiceQuota':
    case 'GetAWSDefaultServiceQuota': {
      // As the in-memory port: an applied value where the account (or the server's option) has one, else the default 64.
      const code = String(request.json.QuotaCode ?? '');
      const quota = await fake.ports().quotas(region).vcpuQuota(code);
      const value = quota?.value ?? 64;
      const applied = quota?.source === 'applied' ? value : appliedVcpuQuota;
      if (action === 'GetServiceQuota' && applied === undefined) {
        throw awsError('NoSuchResourceException', `The request failed because the quota ${code} has no applied value.`);
      }
      return json({ Quota: { ServiceCode: 'ec2', QuotaCode: code, Value: applied ?? value } });
    }
    case 'DescribeLoadBalancers': {
      const balancers = await fake.ports().ec2(region).listLoadBalancers();
      const members = balancers
        .map(
          (lb) =>
            `<member>${el('LoadBalancerArn', lb.arn)}${el('LoadBalancerName', lb.name)}${el('Type', lb.lbType)}<State>${el('Code', lb.state)}</State></member>`,
        )
        .join('');
      return queryAnswer(action, ELB, `<LoadBalancers>${members}</LoadBalancers>`);
    }
    case 'DescribeTags':
      return queryAnswer(action, ELB, '<TagDescriptions/>');
    case 'GetProducts': {
      // The Price List (JSON 1.1, us-east-1's endpoint): the fake account's products, TERM_MATCH filters applied
      // (an attribute the fake's product lacks, e.g. licenseModel, is not held against it), one page.
      const filters = (Array.isArray(request.json.Filters) ? request.json.Filters : []) as Array<{
        Field?: string;
        Value?: string;
      }>;
      const regionCode = filters.find((f) => f.Field === 'regionCode')?.Value ?? '';
      const serviceCode = String(request.json.ServiceCode ?? '');
      const products = (await fake.ports().priceList.regionProducts(regionCode)).filter((product) => {
        return (
          serviceCodeOf(product.family) === serviceCode &&
          filters.every((f) => {
            const value = f.Field === 'productFamily' ? product.family : product.attributes[f.Field ?? ''];
            return value === undefined || value === f.Value;
          })
        );
      });
      return json({
        FormatVersion: 'aws_v1',
        PriceList: products.map((p) =>
          priceListItem(
            p.family,
            { ...p.attributes, servicecode: serviceCodeOf(p.family) },
            p.onDemand.map((d) => ({ unit: d.unit, usd: String(d.usd), beginRange: String(d.beginRange) })),
          ),
        ),
      });
    }
    case 'GetMetricData':
      // CloudWatch speaks JSON 1.0 in this SDK.
      return json({ MetricDataResults: [] });
    default:
      return undefined;
  }
}

// The public IPv4 charge is priced under AmazonVPC; everything else TrainDeck prices under AmazonEC2.
const serviceCodeOf = (family: string) => (family === 'IP Address' ? 'AmazonVPC' : 'AmazonEC2');

const roleArn = (fake: FakeAws, name: string) => `arn:aws:iam::${fake.account}:role/${name}`;
