import { readFile } from 'node:fs/promises';
import type { RunConfig } from '../../../shared/run-config/schema';
import { createSshConnector } from '../../ssh/ssh-remote-host';
import { launchRun } from '../launch';
import type { LifecycleDeps } from '../lifecycle-deps';
import type { ProvisionedRun } from '../provision/provision';
import { teardownRun } from '../teardown';
import type { ComputeBackend } from '../pipeline/compute-backend';

// Time kept back from the instance's own TTL for the executor's final push (and its power-off).
const PUSH_MARGIN_SECONDS = 10 * 60;

/**
 * The `aws-ec2` backend: the AWS lifecycle's launch (preflight, tagged and journaled creates,
 * boot-time TTL, stops when SSH answers) and its verified teardown by run tag. The executor
 * uses the instance role for S3 (no credentials sent) and may power the instance off.
 */
export function createEc2Backend(config: RunConfig, runId: string, deps: LifecycleDeps): ComputeBackend {
  const compute = config.compute;
  let run: ProvisionedRun | undefined;
  let launchedAt = 0;
  return {
    kind: 'aws-ec2',
    async preflight() {
      if (!compute)
        throw Object.assign(new Error('the run config has no "compute" section (instanceType, ttlMinutes)'), {
          fix: 'Add "compute": { "instanceType": "g5.xlarge", "ttlMinutes": 240 }.',
        });
      return { instanceType: compute.instanceType, ttlMinutes: compute.ttlMinutes, market: compute.market };
    },
    async acquire(signal, onFirstSight) {
      launchedAt = deps.clock.now();
      // launchRun runs its own full preflight before any create, and cleans up after a failed launch.
      run = await launchRun(config, deps, { runId, signal });
      const ttlMinutes = compute!.ttlMinutes;
      const elapsed = Math.round((deps.clock.now() - launchedAt) / 1000);
      const pin = { expected: [...run.hostKeyFingerprints], onFirstSight };
      const target = { host: run.publicIp, port: 22, username: run.sshUser, privateKey: await readFile(run.keyFile) };
      return {
        connector: createSshConnector(target, pin),
        workDir: `/var/tmp/traindeck/${runId}`,
        onInstance: true,
        powerOff: { kind: 'system' },
        powerOffAtEnd: compute!.shutdownAfterPush,
        sendS3Credentials: false,
        ttlSeconds: Math.max(60, ttlMinutes * 60 - elapsed - PUSH_MARGIN_SECONDS),
        detail: {
          instanceId: run.instanceId,
          publicIp: run.publicIp,
          region: run.region,
          hostKeys: run.hostKeyFingerprints.length ? 'from the console' : 'first sight',
        },
        aws: {
          instanceId: run.instanceId,
          region: run.region,
          ...(config.aws.profile ? { profile: config.aws.profile } : {}),
          instanceType: compute!.instanceType,
          diskGb: compute!.diskGb,
          spot: compute!.market === 'spot',
          launchedAt,
        },
      };
    },
    async release(signal) {
      if (!run) return { deleted: 'nothing was launched' };
      const report = await teardownRun(runId, {
        dataDir: deps.dataDir,
        ports: deps.ports({ region: run.region, ...(config.aws.profile ? { profile: config.aws.profile } : {}) }),
        clock: deps.clock,
        sleep: deps.sleep,
        regions: [run.region],
        signal,
      });
      if (!report.closed)
        throw Object.assign(
          new Error(
            `teardown left ${report.survivors.length} resource(s): ${report.survivors.map((s) => s.resource.id).join(', ')}`,
          ),
          { fix: `Run \`traindeck teardown ${runId}\` or \`traindeck kill-all\`.` },
        );
      return { deleted: report.outcomes.filter((o) => o.outcome === 'deleted').length, remainingHourlyUsd: 0 };
    },
  };
}
