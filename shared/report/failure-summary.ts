import { type ComputeBackendKind, RUN_PHASES, type RunPhase, type RunSnapshot } from '../domain/run';

/** One thing that went wrong: where, why (one line) and the fix main gave, if any. */
export interface FailureItem {
  phase?: RunPhase;
  reason: string;
  fix?: string;
}

/** A likely cause of a failure, with a link where the place to look is a page (the EC2 console). */
export interface LikelyCause {
  text: string;
  link?: { href: string; label: string };
}

/** What a failed run shows once: the first failure, other distinct ones, and the causes that fit its backend. */
export interface FailureSummary extends FailureItem {
  /** Other failures that say something new (a teardown that left resources), never a repeat of the first. */
  also: FailureItem[];
  causes: LikelyCause[];
}

/**
 * The failure summary of a failed run, or undefined for any other run. The same error reaches
 * the snapshot up to three times (the failed phase's reason, the run's "phase: reason" and a
 * later phase that failed for the same cause): each is shown once, the first phase's wording kept.
 */
export function failureSummary(run: RunSnapshot): FailureSummary | undefined {
  if (run.state !== 'failed') return undefined;
  const items: FailureItem[] = RUN_PHASES.flatMap((phase) => {
    const state = run.phases[phase];
    if (state.status !== 'failed') return [];
    return [{ phase, reason: state.reason ?? 'no reason given', ...(state.fix ? { fix: state.fix } : {}) }];
  });
  if (run.reason) items.push({ reason: run.reason });
  const distinct: FailureItem[] = [];
  for (const item of items) {
    const same = distinct.find((kept) => sameReason(kept.reason, item.reason));
    if (!same) distinct.push(item);
    else if (!same.fix && item.fix) same.fix = item.fix;
  }
  const [first, ...also] = distinct;
  if (!first) return { reason: 'The run failed without saying why.', also: [], causes: [] };
  return { ...first, also, causes: first.phase ? likelyCauses(run, first.phase) : [] };
}

// "connecting: SSH to … failed." and "SSH to … failed" are one reason: the phase prefix, case,
// spacing and the closing full stop differ; a reason that holds another whole says nothing new.
function sameReason(a: string, b: string): boolean {
  const x = normalized(a);
  const y = normalized(b);
  return x === y || (x.length > 0 && y.length > 0 && (x.includes(y) || y.includes(x)));
}

const PHASE_PREFIX = new RegExp(`^(${RUN_PHASES.join('|')}):\\s*`, 'i');

function normalized(reason: string): string {
  return reason
    .trim()
    .replace(PHASE_PREFIX, '')
    .replace(/[.\s]+$/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

// Phases spent reaching the machine: a failure there is about the network, the machine or the key.
const REACHING: readonly RunPhase[] = ['provisioning', 'connecting', 'bootstrapping'];

/**
 * Likely causes of a failure in `phase` that fit the run's backend: an EC2 instance that never
 * answered is not a home server whose sshd is down. Empty where the phase's own fix says it all
 * (preflight, and the phases after the machine was reached, whose errors name their cause).
 */
export function likelyCauses(run: Pick<RunSnapshot, 'backend' | 'host' | 'phases'>, phase: RunPhase): LikelyCause[] {
  if (!REACHING.includes(phase)) return [];
  return CAUSES[run.backend](run);
}

const CAUSES: Record<ComputeBackendKind, (run: Pick<RunSnapshot, 'host' | 'phases'>) => LikelyCause[]> = {
  'aws-ec2': (run) => {
    const detail = run.phases.provisioning.detail ?? {};
    const region = typeof detail.region === 'string' ? detail.region : undefined;
    const instanceId = typeof detail.instanceId === 'string' ? detail.instanceId : undefined;
    const consolePage =
      region && instanceId
        ? {
            href: `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#InstanceDetails:instanceId=${encodeURIComponent(instanceId)}`,
            label: `Open ${instanceId} in the EC2 console`,
          }
        : undefined;
    return [
      {
        text: 'Your public IP address changed since the launch (another network, a VPN): the security group admits SSH only from the address TrainDeck saw then. Retry from this network.',
      },
      {
        text: 'The instance failed its EC2 status checks or was still booting: the console shows them under Status checks.',
        ...(consolePage ? { link: consolePage } : {}),
      },
      {
        text: 'sshd never started: the console output shows how the boot ended (on the same page: Actions → Monitor and troubleshoot → Get system log).',
      },
    ];
  },
  'ssh-host': (run) => {
    const host = run.host ? ` (${run.host})` : '';
    return [
      {
        text: `The machine${host} is off, asleep or not reachable from this network (VPN, firewall, another address).`,
      },
      { text: 'sshd is not running or listens on another port: `systemctl status ssh` on that machine says which.' },
      {
        text: "The key is refused: its public half is not in the user's `~/.ssh/authorized_keys`, or the identity file is another key.",
      },
    ];
  },
  local: () => [
    { text: 'Node.js 20 or newer is not on the PATH TrainDeck sees (an app started from a menu has a shorter PATH).' },
    { text: 'There is no `sh` (Windows: install Git for Windows and put its `usr\\bin` on PATH, or use WSL).' },
    { text: 'The work folder is not writable, or the disk is full.' },
  ],
};
