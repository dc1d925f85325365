import {
  formatAttempts,
  isCapacityRefusal,
  type LaunchAttempt,
  type PlacementCandidate,
} from '../../../shared/domain/capacity-failover';
import { TypedError } from '../../../shared/ipc/result';
import { joinSentences } from '../../../shared/text/sentences';
import { awsErrorCode } from '../../aws/aws-errors';
import type { RunInstanceSpec } from '../../aws/ports/ec2-launch-port';
import type { ImageInfo } from '../../aws/ports/ec2-launch-port';
import type { JournalWriter } from '../journal/run-journal';
import type { LaunchPlan } from '../preflight/run-preflight';

/** One placement of the launch plan, with what RunInstances needs there. */
export interface LaunchCandidate extends PlacementCandidate {
  subnetId: string;
  image: ImageInfo;
  sshUser: string;
}

/** The plan's placements in order; a plan without any (built by hand) has its one placement. */
export function launchCandidates(plan: LaunchPlan): LaunchCandidate[] {
  if (plan.candidates?.length) return plan.candidates;
  return [
    {
      instanceType: plan.compute.instanceType,
      zone: plan.placement.zone,
      market: plan.compute.market,
      subnetId: plan.placement.subnetId,
      image: plan.image,
      sshUser: plan.sshUser,
    },
  ];
}

/** The instance a failover launch got, and every attempt it took. */
export interface FailoverLaunch {
  instanceId: string;
  candidate: LaunchCandidate;
  attempts: LaunchAttempt[];
}

/**
 * Tries the candidates in order until one launches. A capacity refusal (no room in that zone,
 * type not offered there, spot price too low) created nothing and moves on to the next; any
 * other error stops at once, so a bad request never becomes a storm of them. Each attempt is
 * announced in the journal before its call (its intent) and recorded after it, and reported
 * through `onAttempt` ("eu-west-1a: no capacity → eu-west-1b: launching"). At most one call
 * per candidate (the caller's retry of transient errors aside).
 */
export async function launchWithFailover(input: {
  candidates: readonly LaunchCandidate[];
  name: string;
  journal: JournalWriter;
  /** RunInstances of one candidate (with its own idempotency token); returns the instance id. */
  run(candidate: LaunchCandidate, spec: Pick<RunInstanceSpec, 'clientToken'>): Promise<string>;
  /** The idempotency token of attempt `n` (1-based). */
  clientToken(n: number): string;
  onAttempt?(line: string): void;
  signal?: AbortSignal;
}): Promise<FailoverLaunch> {
  const { candidates, journal } = input;
  const attempts: LaunchAttempt[] = [];
  for (const [index, candidate] of candidates.entries()) {
    input.signal?.throwIfAborted();
    const n = index + 1;
    const where = { instanceType: candidate.instanceType, zone: candidate.zone, market: candidate.market };
    input.onAttempt?.(
      formatAttempts([...attempts, { ...where, n, outcome: 'launched' }]).replace(/launched$/, 'launching'),
    );
    await journal.append({ type: 'intent', step: 'instance', kind: 'instance', name: input.name });
    let instanceId: string;
    try {
      instanceId = await input.run(candidate, { clientToken: input.clientToken(n) });
    } catch (error) {
      const code = awsErrorCode(error);
      const message = error instanceof Error ? error.message : String(error);
      const refused = isCapacityRefusal(code) && !input.signal?.aborted;
      const attempt: LaunchAttempt = { ...where, n, outcome: refused ? 'refused' : 'failed', code, message };
      attempts.push(attempt);
      await journal.append({ type: 'attempt', ...attempt });
      if (!refused) throw error;
      continue;
    }
    await journal.append({ type: 'created', step: 'instance', kind: 'instance', id: instanceId });
    const attempt: LaunchAttempt = { ...where, n, outcome: 'launched', instanceId };
    attempts.push(attempt);
    await journal.append({ type: 'attempt', ...attempt });
    input.onAttempt?.(formatAttempts(attempts));
    return { instanceId, candidate, attempts };
  }
  throw noPlacement(attempts);
}

/** Every placement refused: one sentence with what was tried, and what the user can change. */
function noPlacement(attempts: LaunchAttempt[]): TypedError {
  const spot = attempts.some((a) => a.market === 'spot') && !attempts.some((a) => a.market === 'on-demand');
  return new TypedError(
    'AWS',
    joinSentences(`No placement had capacity after ${attempts.length} attempt(s)`, formatAttempts(attempts)),
    {
      fix: [
        'Try again later, or add instance types to compute.alternatives',
        spot ? ', or set compute.spot.fallbackOnDemand to true' : '',
        ', or choose another region.',
      ].join(''),
      details: { attempts },
    },
  );
}
