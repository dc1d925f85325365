import { readFile } from 'node:fs/promises';

import { formatAttempts, type PlacementCandidate } from '../../../shared/domain/capacity-failover';
import type { PreflightReport } from '../../../shared/domain/preflight';
import { relaunchOrder } from '../../../shared/domain/spot-relaunch';
import type { RunConfig } from '../../../shared/run-config/schema';
import { s3EndpointFromEnv } from '../../aws/s3-credentials';
import { confirmedDeleted } from '../../lifecycle/cost/kill-all';
import { appendToJournal } from '../../lifecycle/journal/run-journal';
import { type LaunchCleanup, launchCleanupOf, launchRun } from '../../lifecycle/launch';
import type { LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { preflightError, preflightFacts } from '../../lifecycle/preflight/host-preflight';
import { type LaunchPlan, type PreflightInput, runPreflight } from '../../lifecycle/preflight/run-preflight';
import { runConfigPrices } from '../../lifecycle/pricing/price-source';
import { launchCandidates } from '../../lifecycle/provision/launch-with-failover';
import { formatWait, type ProvisionedRun } from '../../lifecycle/provision/provision';
import { teardownRun } from '../../lifecycle/teardown';
import { createSshConnector } from '../../ssh/ssh-remote-host';
import type { AcquireProgress, ComputeBackend, LaunchedInstance, MachineRelaunch } from '../pipeline/compute-backend';

// Time kept back from the instance's own TTL for the executor's final push (and its power-off).
const PUSH_MARGIN_SECONDS = 10 * 60;

/**
 * The `aws-ec2` backend: the AWS lifecycle's launch (preflight, tagged and journaled creates,
 * boot-time TTL, stops when SSH answers) and its verified teardown by run tag. The executor
 * uses the instance role for S3 (no credentials sent) and may power the instance off.
 */
export function createEc2Backend(
  config: RunConfig,
  runId: string,
  deps: LifecycleDeps,
  /** The sync store and key vault: the preflight then also checks key identity and datasets. */
  extras: Pick<PreflightInput, 'objectStore' | 'keyVault'> = {},
): ComputeBackend {
  const compute = config.compute;
  let run: ProvisionedRun | undefined;
  // The run's preflight phase runs the one preflight; the launch uses its plan instead of repeating it.
  let preflight: { report: PreflightReport; plan?: LaunchPlan } | undefined;
  // What a failed launch's own cleanup did: the tearing-down phase reports it, never "nothing was launched".
  let launchCleanup: LaunchCleanup | undefined;
  let launchedAt = 0;
  // A spot relaunch (set by `relaunch.prepare`): the next acquire's attempt and its placements.
  let relaunch: { attempt: number; plan: LaunchPlan } | undefined;
  // Attempts torn down before this one: a release then always verifies, whatever this one left.
  let relaunched = false;
  // Spot runs say on an interruption why they were not relaunched, "off" (0) included.
  const spot = compute?.market === 'spot' ? (compute.spot ?? { fallbackOnDemand: false, maxRelaunches: 0 }) : undefined;
  return {
    kind: 'aws-ec2',
    ...(spot && compute
      ? {
          relaunch: {
            maxRelaunches: spot.maxRelaunches,
            fallbackOnDemand: spot.fallbackOnDemand,
            async prepare(next) {
              const plan = preflight?.plan;
              if (!plan) throw new Error('a relaunch needs the launch plan of the run preflight');
              const candidates = relaunchOrder(launchCandidates(plan), next.market, next.interruptedZone);
              relaunch = { attempt: next.attempt, plan: { ...plan, candidates } };
              relaunched = true;
              run = undefined;
              launchCleanup = undefined;
              // After the teardown closed the journal, before the launch opens it again.
              await appendToJournal(deps.dataDir, runId, () => deps.clock.now(), [
                { type: 'relaunch', attempt: next.attempt, market: next.market, reason: next.reason },
              ]);
              return candidates[0];
            },
          } satisfies MachineRelaunch,
        }
      : {}),
    async preflight(signal) {
      if (!compute) {
        throw Object.assign(new Error('the run config has no "compute" section (instanceType, ttlMinutes)'), {
          fix: 'Add "compute": { "instanceType": "g5.xlarge", "ttlMinutes": 240 }.',
        });
      }
      preflight = await runPreflight({
        config,
        ports: deps.ports({
          region: config.aws.region,
          ...(config.aws.profile ? { profile: config.aws.profile } : {}),
        }),
        publicIp: deps.publicIp,
        env: deps.env,
        clock: deps.clock,
        signal,
        prices: runConfigPrices(deps, config.aws),
        ...extras,
      });
      if (!preflight.plan) throw preflightError(preflight.report);
      return {
        instanceType: compute.instanceType,
        // With the type, what the monitor prices from the instance's create on (see provisioningBurn).
        diskGb: compute.diskGb,
        // Where it bills: the renderer asks main for this region's prices before the monitor prices it.
        region: config.aws.region,
        ...(config.aws.profile ? { profile: config.aws.profile } : {}),
        ttlMinutes: compute.ttlMinutes,
        market: compute.market,
        ...preflightFacts(preflight.report),
      };
    },
    async acquire(signal, onFirstSight, onProgress) {
      launchedAt = deps.clock.now();
      // Once RunInstances took a placement, every later step says it: the monitor prices what bills.
      let placement: PlacementCandidate | undefined;
      const progress = (step: AcquireProgress) => onProgress?.({ ...step, ...(placement ? { placement } : {}) });
      // launchRun runs its own full preflight before any create, and cleans up after a failed launch.
      try {
        run = await launchRun(config, deps, {
          runId,
          signal,
          ...(relaunch
            ? { preflight: { report: preflight!.report, plan: relaunch.plan }, attempt: relaunch.attempt }
            : preflight
              ? { preflight }
              : {}),
          onStep: (step, line) => progress({ step, line }),
          onLaunched: (landed) => {
            placement = landed;
          },
          onWait: (wait) =>
            progress({
              step: wait.step,
              line: formatWait(wait),
              elapsedSeconds: Math.round(wait.elapsedMs / 1000),
              limitSeconds: Math.round(wait.limitMs / 1000),
            }),
        });
      } catch (error) {
        launchCleanup = launchCleanupOf(error);
        // The instance it launched before failing ran: the attempt shows it and its cost.
        const launched = launchCleanup?.launched;
        if (launched && error instanceof Error) {
          Object.assign(error, { launched: { ...launched, diskGb: compute!.diskGb } satisfies LaunchedInstance });
        }
        throw error;
      }
      const ttlMinutes = compute!.ttlMinutes;
      const s3Endpoint = s3EndpointFromEnv(deps.env);
      const elapsed = Math.round((deps.clock.now() - launchedAt) / 1000);
      const pin = { expected: [...run.hostKeyFingerprints], onFirstSight };
      const endpoint = deps.instanceSsh?.endpoint(run.publicIp) ?? { host: run.publicIp, port: 22 };
      const target = { ...endpoint, username: run.sshUser, privateKey: await readFile(run.keyFile) };
      return {
        connector: createSshConnector(target, pin, deps.instanceSsh?.policy),
        // Where this run reached the machine: a push or reattach from another process goes the same way
        // (the public IP's port 22 on EC2; the test bed's or the demo's mapping where deps have one).
        reattach: {
          kind: 'ssh',
          ...endpoint,
          username: run.sshUser,
          identityFile: run.keyFile,
          hostKeyFingerprints: [...run.hostKeyFingerprints],
        },
        workDir: `/var/tmp/traindeck/${runId}`,
        onInstance: true,
        powerOff: { kind: 'system' },
        powerOffAtEnd: compute!.shutdownAfterPush,
        sendS3Credentials: false,
        // The executor syncs with the store the desktop verifies: an S3-compatible one when the
        // desktop has its endpoint set, never AWS's S3 behind its back.
        ...(s3Endpoint ? { s3Endpoint } : {}),
        ttlSeconds: Math.max(60, ttlMinutes * 60 - elapsed - PUSH_MARGIN_SECONDS),
        detail: {
          instanceId: run.instanceId,
          publicIp: run.publicIp,
          region: run.region,
          zone: run.zone,
          instanceType: run.instanceType,
          market: run.market,
          // "eu-west-1a: no capacity → eu-west-1b: launched" (one attempt: "eu-west-1a: launched").
          placement: formatAttempts(run.attempts),
          hostKeys: run.hostKeyFingerprints.length ? 'from the console' : 'first sight',
        },
        aws: {
          instanceId: run.instanceId,
          region: run.region,
          ...(config.aws.profile ? { profile: config.aws.profile } : {}),
          // The placement that had capacity: failover may have changed the type and the market.
          instanceType: run.instanceType,
          diskGb: compute!.diskGb,
          spot: run.market === 'spot',
          zone: run.zone,
          launchedAt,
        },
      };
    },
    async release(signal) {
      if (!run && !launchCleanup && !relaunched) return { deleted: 'nothing was launched' };
      if (!run && launchCleanup?.closed) {
        return {
          created: launchCleanup.created.length,
          deleted: launchCleanup.deleted.length,
          by: 'the launch cleanup, verified by rescan',
          remainingHourlyUsd: 0,
        };
      }
      // Something may be left (the launch's cleanup met survivors or failed): one more verified teardown.
      const report = await teardownRun(runId, {
        dataDir: deps.dataDir,
        ports: deps.ports({
          region: run?.region ?? config.aws.region,
          ...(config.aws.profile ? { profile: config.aws.profile } : {}),
        }),
        clock: deps.clock,
        sleep: deps.sleep,
        regions: [run?.region ?? config.aws.region],
        signal,
      });
      const deleted = confirmedDeleted(report).length + (launchCleanup?.deleted.length ?? 0);
      if (!report.closed) {
        const survivors = report.survivors.map((s) => `${s.resource.kind} ${s.resource.id} (${s.reason})`);
        throw Object.assign(
          new Error(
            report.survivors.length > 0
              ? `teardown left ${report.survivors.length} resource(s): ${survivors.join(', ')}`
              : `teardown could not verify that nothing of run ${runId} is left in ${run?.region ?? config.aws.region}`,
          ),
          {
            fix: `Run \`traindeck teardown ${runId}\` (the run's journal stays open until it is clean), or \`traindeck kill-all\`.`,
            detail: { deleted, survivors, remainingHourlyUsd: report.remainingHourlyUsd },
          },
        );
      }
      return { deleted, remainingHourlyUsd: 0 };
    },
  };
}
