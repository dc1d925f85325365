import type { TagMap } from '../../../shared/domain/tags';

/** One AWS request as the fake server sees it: which service and region signed it, and its parameters. */
export interface QueryRequest {
  /** The SigV4 signing name: ec2, sts, iam, ssm, servicequotas, monitoring, elasticloadbalancing. */
  service: string;
  region: string;
  /** The Query `Action`, or the JSON protocol's operation (from X-Amz-Target). */
  action: string;
  /** Query parameters (form body and URL); empty for JSON calls. */
  params: URLSearchParams;
  /** The JSON body of a JSON-protocol call. */
  json: Record<string, unknown>;
}

/** An answer: status, content type and body. */
export interface QueryAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Service and region from a SigV4 `Authorization` header (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`). */
export function signingScope(authorization: string | undefined): { region: string; service: string } {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(authorization ?? '');
  return { region: scope?.[1] ?? 'us-east-1', service: scope?.[2] ?? '' };
}

/** XML text escaping (tags, user data and messages go into element bodies). */
export function xmlText(value: string | number | boolean): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<name>value</name>`, or nothing when the value is absent. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlText(value)}</${name}>`;
}

/** EC2's list shape: `<name><item>…</item>…</name>`. */
export function itemSet(name: string, items: string[]): string {
  return `<${name}>${items.map((item) => `<item>${item}</item>`).join('')}</${name}>`;
}

/** EC2's `tagSet`. */
export function tagSet(tags: TagMap): string {
  return itemSet(
    'tagSet',
    Object.entries(tags).map(([key, value]) => el('key', key) + el('value', value)),
  );
}

/** The values of a flattened list: `Prefix.1`, `Prefix.2`… in order. */
export function listParam(params: URLSearchParams, prefix: string): string[] {
  return indexes(params, prefix).map((n) => params.get(`${prefix}.${n}`) ?? '');
}

/** The indexes of a flattened list of structures (`Prefix.N.Field`), in order. */
export function indexes(params: URLSearchParams, prefix: string): number[] {
  const found = new Set<number>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)(\\.|$)`);
  for (const key of params.keys()) {
    const match = pattern.exec(key);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** EC2 filters: `Filter.N.Name` → its `Filter.N.Value.M` values. */
export function filtersOf(params: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (const n of indexes(params, 'Filter')) {
    filters.set(params.get(`Filter.${n}.Name`) ?? '', listParam(params, `Filter.${n}.Value`));
  }
  return filters;
}

/** The tags of the `TagSpecification` for `resourceType` (EC2 create calls). */
export function specifiedTags(params: URLSearchParams, resourceType: string): TagMap {
  const tags: TagMap = {};
  for (const n of indexes(params, 'TagSpecification')) {
    if (params.get(`TagSpecification.${n}.ResourceType`) !== resourceType) continue;
    for (const m of indexes(params, `TagSpecification.${n}.Tag`)) {
      tags[params.get(`TagSpecification.${n}.Tag.${m}.Key`) ?? ''] =
        params.get(`TagSpecification.${n}.Tag.${m}.Value`) ?? '';
    }
  }
  return tags;
}

/** IAM's tags: `Tags.member.N.Key` / `.Value`. */
export function memberTags(params: URLSearchParams): TagMap {
  const tags: TagMap = {};
  for (const n of indexes(params, 'Tags.member')) {
    tags[params.get(`Tags.member.${n}.Key`) ?? ''] = params.get(`Tags.member.${n}.Value`) ?? '';
  }
  return tags;
}

/** An EC2 success document. */
export function ec2Answer(action: string, inner: string): QueryAnswer {
  return {
    status: 200,
    contentType: 'text/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>q</requestId>${inner}</${action}Response>`,
  };
}

/** An awsQuery success document (STS, IAM, ELB v2, CloudWatch). */
export function queryAnswer(action: string, namespace: string, inner: string): QueryAnswer {
  return {
    status: 200,
    contentType: 'text/xml',
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>q</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** An error in the service's own protocol: EC2's `Response/Errors`, awsQuery's `ErrorResponse`, or JSON `__type`. */
export function errorAnswer(service: string, code: string, message: string, json = false): QueryAnswer {
  const status = /NotFound|NoSuchEntity/.test(code) && service === 'iam' ? 404 : 400;
  if (json) {
    return {
      status,
      contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({ __type: code, message }),
    };
  }
  if (service === 'ec2') {
    return {
      status,
      contentType: 'text/xml',
      body: `<Response><Errors><Error>${el('Code', code)}${el('Message', message)}</Error></Errors><RequestID>q</RequestID></Response>`,
    };
  }
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse><Error><Type>Sender</Type>${el('Code', code)}${el('Message', message)}</Error><RequestId>q</RequestId></ErrorResponse>`,
  };
}
