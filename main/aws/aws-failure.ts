import { type ErrorCode, TypedError } from '../../shared/ipc/result';
import { asSentence } from '../../shared/text/sentences';
import { type AwsCall, awsCallOf } from './aws-call-context';
import { awsErrorCode, credentialsError, isNotFound, isThrottling, networkErrorCode } from './aws-error-codes';
import { isCertificateError } from './certificate-errors';

/** What kind of failure a call met; decides the sentence and the fix. */
export type AwsFailureKind =
  | 'cancelled'
  | 'credentials'
  | 'certificate'
  | 'dns'
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'network'
  | 'non-aws-body'
  | 'throttled'
  | 'denied'
  | 'not-found'
  | 'server'
  | 'aws';

/** Any AWS SDK failure, typed: who answered what, in one sentence, and what to do about it. */
export interface AwsFailure {
  kind: AwsFailureKind;
  service?: string;
  operation?: string;
  region?: string;
  /** The endpoint override in force (absent: AWS itself). */
  endpoint?: string;
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The AWS error code, or the network error code (ECONNREFUSED…). */
  code: string;
  /** One sentence, never the SDK's internals. */
  message: string;
  /** One sentence: what the user can do. */
  fix: string;
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const IAM_PREFIX: Record<string, string> = {
  EC2: 'ec2',
  S3: 's3',
  STS: 'sts',
  IAM: 'iam',
  SSM: 'ssm',
  CloudWatch: 'cloudwatch',
  'Service Quotas': 'servicequotas',
  'Elastic Load Balancing': 'elasticloadbalancing',
  'Price List': 'pricing',
};
// S3 operations whose IAM action has another name.
const S3_ACTIONS: Record<string, string> = {
  HeadBucket: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  HeadObject: 'GetObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  AbortMultipartUpload: 'AbortMultipartUpload',
};

/** Context {@link awsFailure} cannot read from the error itself. */
export interface AwsFailureOptions {
  /** Names the profile in credential messages. */
  profile?: string | undefined;
  /** The signal the call ran under: an abort by its time limit is a timeout, not a cancel. */
  signal?: AbortSignal | undefined;
}

/**
 * Classifies any thrown value of an AWS call (SDK error, network error, fake) into an
 * {@link AwsFailure}. Bodies that are not AWS answers (an HTML 500 from a proxy or an emulator),
 * timeouts, unknown hosts and refused connections are named as such, never as the SDK's
 * parse error.
 */
export function awsFailure(error: unknown, options: AwsFailureOptions = {}): AwsFailure {
  const call = awsCallOf(error);
  const e = (error ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  // A refused certificate carries OpenSSL's reason as its code (some look like network codes: ERR_TLS_…).
  const certificate = isCertificateError(error) ? (error as { code: string }).code : undefined;
  const network = certificate ? undefined : networkErrorCode(error);
  const code = certificate ?? network ?? awsErrorCode(error);
  const base = {
    ...(call ? { service: call.service, operation: call.operation, region: call.region } : {}),
    ...(call?.endpoint ? { endpoint: call.endpoint } : {}),
    ...(status !== undefined ? { status } : {}),
    code,
  };
  const make = (kind: AwsFailureKind, message: string, fix: string): AwsFailure => ({
    kind,
    ...base,
    message: asSentence(message),
    fix: asSentence(fix),
  });
  const what = call ? `${call.service} ${call.operation}${call.region ? ` in ${call.region}` : ''}` : 'The AWS call';
  const endpoint = endpointPhrase(call);
  const rawMessage = firstLine(error instanceof Error ? error.message : String(error));
  const timedOut = () =>
    make(
      'timeout',
      `${capitalize(endpoint)} did not answer ${call?.operation ?? 'the call'} in time`,
      call?.endpoint
        ? `Check that the service at ${call.endpoint} is up and not overloaded`
        : 'Check the network connection, then try again',
    );

  if (code === 'AbortError' || e.name === 'AbortError') {
    // The SDK reports every abort alike; the caller's signal says whether it was a time limit.
    const reason = options.signal?.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') return timedOut();
    return make('cancelled', `${what} was cancelled`, 'Nothing to fix: it was stopped on request');
  }
  if (certificate) {
    // Never retried (the SDK does not either): asking again meets the same certificate.
    return make(
      'certificate',
      `${capitalize(endpoint)} presented a TLS certificate this machine does not accept (${certificate}: ${rawMessage}), so ${call?.operation ?? 'the call'} was not sent`,
      `If the endpoint, or a proxy that inspects TLS, uses a private certificate authority, point AWS_CA_BUNDLE at its PEM file; otherwise check that ${call?.endpoint ? `${call.endpointSource ?? 'the endpoint setting'} (${call.endpoint}) names the host its certificate is for` : 'no proxy stands between this machine and AWS'}, and this machine's clock`,
    );
  }
  const credentials = credentialsError(error, options.profile);
  if (credentials) return make('credentials', credentials.message, credentials.fix ?? 'Check the AWS credentials');

  if (network) {
    const overrideFix = call?.endpoint
      ? `Check ${call.endpointSource ?? 'the endpoint setting'} (${call.endpoint}), or unset it to use AWS`
      : undefined;
    if (network === 'ENOTFOUND' || network === 'EAI_AGAIN') {
      return make(
        'dns',
        `${capitalize(endpoint)} could not be found (${network}): the host name does not resolve`,
        overrideFix ?? 'Check the network connection and DNS; a VPN or proxy may be needed to reach AWS',
      );
    }
    if (network === 'ECONNREFUSED') {
      return make(
        'refused',
        `${capitalize(endpoint)} refused the connection (${network})`,
        call?.endpoint
          ? `Start the service at ${call.endpoint}, or fix ${call.endpointSource ?? 'the endpoint setting'}`
          : 'Check the network connection; a firewall or proxy may block AWS',
      );
    }
    if (network === 'ETIMEDOUT') {
      return make(
        'timeout',
        `${capitalize(endpoint)} did not answer ${call?.operation ?? 'the call'} in time (${network})`,
        overrideFix ?? 'Check the network connection, then try again',
      );
    }
    if (network === 'ECONNRESET' || network === 'EPIPE' || network.startsWith('UND_ERR')) {
      return make(
        'reset',
        `${capitalize(endpoint)} cut the connection during ${call?.operation ?? 'the call'} (${network})`,
        'Try again; if it keeps happening, check for a proxy or VPN cutting connections',
      );
    }
    return make(
      'network',
      `${what} could not reach ${endpoint} (${network})`,
      overrideFix ?? 'Check the network connection, then try again',
    );
  }
  if (
    status === undefined &&
    (code === 'TimeoutError' || code === 'RequestTimeout' || /timed? ?out/i.test(rawMessage))
  ) {
    return timedOut();
  }
  if (status !== undefined && isNotAnAwsAnswer(e, code, rawMessage)) {
    const body = isHtml(e, rawMessage) ? 'an HTML page' : 'a body that is not an AWS response';
    return make(
      'non-aws-body',
      `${capitalize(endpoint)} answered ${call?.operation ?? 'the call'} with HTTP ${status} and ${body} instead of an AWS response`,
      call?.endpoint
        ? `Check that ${call.endpointSource ?? 'the endpoint setting'} (${call.endpoint}) points at an ${call.service}-compatible service, or unset it to use AWS`
        : 'Try again in a few minutes; if it persists, check the AWS Health Dashboard or the proxy between this machine and AWS',
    );
  }
  const answer = `${code}${status !== undefined ? `, HTTP ${status}` : ''}`;
  // Without the call's context (the in-memory fake, a hand-made error) the AWS message itself is the best sentence.
  const answered = (kind: AwsFailureKind, message: string, fix: string) =>
    make(kind, call ? message : withCode(rawMessage, code), fix);
  const awsSaid = rawMessage && rawMessage !== code && rawMessage !== 'UnknownError' ? `: ${rawMessage}` : '';
  if (isThrottling(error) || status === 429) {
    return answered(
      'throttled',
      `${what} was throttled (${answer})`,
      `Wait a minute and try again; every tool using this account shares the ${call?.service ?? 'AWS'} request limit`,
    );
  }
  if (
    status === 403 ||
    code === 'UnauthorizedOperation' ||
    code === 'Forbidden' ||
    code.startsWith('AccessDenied') ||
    code === 'AuthFailure'
  ) {
    return answered(
      'denied',
      `${what} was denied (${answer})`,
      call
        ? `Allow ${iamAction(call)} for these credentials in their IAM policy`
        : 'Allow the action in the IAM policy of these credentials',
    );
  }
  if (isNotFound(error) || status === 404) {
    return answered(
      'not-found',
      `${what} found nothing (${answer})${awsSaid}`,
      'Check the name or id; it may have been deleted already',
    );
  }
  if (status !== undefined && status >= 500) {
    return answered(
      'server',
      `${what} failed on the service's side (${answer})${awsSaid}`,
      call?.endpoint
        ? `Check the service at ${call.endpoint}, then try again`
        : 'Try again in a few minutes; if it persists, check the AWS Health Dashboard',
    );
  }
  return answered(
    'aws',
    `${what} failed (${answer})${awsSaid}`,
    'Fix what the message names; `traindeck doctor` checks the AWS setup',
  );
}

const FAILURE_CODES: Record<AwsFailureKind, ErrorCode> = {
  cancelled: 'CANCELLED',
  credentials: 'UNAUTHORIZED',
  certificate: 'PRECONDITION_FAILED',
  denied: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  timeout: 'TIMEOUT',
  dns: 'UNAVAILABLE',
  refused: 'UNAVAILABLE',
  reset: 'UNAVAILABLE',
  network: 'UNAVAILABLE',
  'non-aws-body': 'UNAVAILABLE',
  throttled: 'UNAVAILABLE',
  server: 'UNAVAILABLE',
  aws: 'AWS',
};

/** Any AWS failure as the {@link TypedError} the UI and the CLI show (a TypedError passes through). */
export function awsFailureError(error: unknown, options: AwsFailureOptions = {}): TypedError {
  if (error instanceof TypedError) return error;
  const failure = awsFailure(error, options);
  return new TypedError(FAILURE_CODES[failure.kind], failure.message, {
    fix: failure.fix,
    cause: error,
    details: {
      kind: failure.kind,
      awsCode: failure.code,
      ...(failure.service ? { service: failure.service, operation: failure.operation, region: failure.region } : {}),
      ...(failure.status !== undefined ? { status: failure.status } : {}),
    },
  });
}

function endpointPhrase(call: AwsCall | undefined): string {
  if (!call) return 'the AWS endpoint';
  return call.endpoint
    ? `the ${call.service} endpoint ${call.endpoint}`
    : `the ${call.service} endpoint of ${call.region || 'AWS'}`;
}

// The SDK's deserializers fail on bodies that are not XML/JSON, and report it as a parse error
// (XML), a SyntaxError (JSON), or, for S3 HEAD answers, as a bare "UnknownError".
function isNotAnAwsAnswer(e: SdkErrorShape, code: string, message: string): boolean {
  return (
    e.name === 'SyntaxError' ||
    /XML parse error|is not valid JSON|Unexpected token|Deserialization error|char ['"]?<['"]? /i.test(message) ||
    ((code === 'Unknown' || code === 'UnknownError') && (message === 'UnknownError' || message === ''))
  );
}

function isHtml(e: SdkErrorShape, message: string): boolean {
  const type = e.$response?.headers?.['content-type'] ?? '';
  return /html/i.test(type) || /<html|mismatched tags|token '<'/i.test(message);
}

function iamAction(call: AwsCall): string {
  const prefix = IAM_PREFIX[call.service] ?? call.service.toLowerCase();
  const action = call.service === 'S3' ? (S3_ACTIONS[call.operation] ?? call.operation) : call.operation;
  return `${prefix}:${action}`;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function withCode(message: string, code: string): string {
  if (!message) return `The AWS call failed (${code})`;
  return message.includes(code) ? message : `${code}: ${message}`;
}
