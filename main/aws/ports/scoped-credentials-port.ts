/** The STS call that mints a run's credentials; which one depends on the desktop's own credentials. */
export type ScopedCredentialsCall = 'GetFederationToken' | 'AssumeRole';

/** What a machine without an instance role (ssh-host, local) needs to reach its bucket prefix. */
export interface ScopedCredentialsRequest {
  /** The federated user's or role session's name (CloudTrail shows it): `traindeck-<run>`. */
  sessionName: string;
  /** The session policy (JSON): the credentials may do only what it and the caller's own policies both allow. */
  policy: string;
  /** How long the run needs them, in seconds (time-to-live, grace and the final push). */
  neededSeconds: number;
  /**
   * A new run `refuse`s a need longer than STS gives (a preflight failure with the fix: the final
   * push would fail); a re-push or a resume takes the longest STS gives (`clamp`): its data must go.
   */
  whenTooLong: 'refuse' | 'clamp';
  /** The role to assume when the desktop's credentials are a session (role, SSO); default: the caller's own role. */
  roleArn?: string;
  signal: AbortSignal;
}

/** Short-lived credentials scoped by the request's session policy (never the desktop's own keys). */
export interface ScopedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO time they stop working. */
  expiresAt: string;
  call: ScopedCredentialsCall;
}

/** Which call {@link ScopedCredentialsPort.issue} would make, and for how long. */
export interface ScopedCredentialsPlan {
  call: ScopedCredentialsCall;
  durationSeconds: number;
}

/** STS, only to narrow the desktop's credentials before any leave it. */
export interface ScopedCredentialsPort {
  /**
   * The call and duration {@link issue} would use for these credentials, without asking STS
   * (preflight); throws the same sentence and fix as `issue` when the need is longer than STS gives.
   */
  plan(request: Pick<ScopedCredentialsRequest, 'neededSeconds' | 'whenTooLong'>): Promise<ScopedCredentialsPlan>;
  /** Throws a sentence with the fix (the IAM permission to add, the TTL to lower) when STS refuses. */
  issue(request: ScopedCredentialsRequest): Promise<ScopedCredentials>;
}
