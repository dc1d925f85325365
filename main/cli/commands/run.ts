import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { COMPUTE_BACKENDS, type ComputeBackendKind } from '../../../shared/domain/run';
import { TypedError } from '../../../shared/ipc/result';
import { sshHostSchema } from '../../../shared/run-config/ssh-host-section';
import { lifecycleWorld } from '../../composition/lifecycle-world';
import { loadRunConfig } from '../../config/load-run-config';
import { appDataDir } from '../../core/app-paths';
import { systemClock } from '../../core/clock';
import { EventBus } from '../../core/event-bus';
import { silentLogger } from '../../core/logger';
import { NotificationService } from '../../core/notifications';
import type { LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { spotNowOf } from '../../lifecycle/pricing/spot-now';
import { MonitorNotifier } from '../../monitor/monitor-notifier';
import { MonitorService } from '../../monitor/monitor-service';
import { createRunService } from '../../runs/create-run-service';
import { monitorObserver } from '../../runs/monitor-observer';
import { allObservers, type RunObserver } from '../../runs/pipeline/run-observer';
import { emergencyTeardown, holdsCloudResources } from '../../runs/run-guard';
import { confirmStoreCredentialsOnce } from '../../trust/store-credential-consent';
import { type CliCommand, CliError, type CliIo } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { parseCommandArgs } from '../parse-args';
import { runPrinter } from '../run-printer';

const USAGE =
  'traindeck run --config run.json [--backend aws-ec2|ssh-host|local] [--host user@host:port --identity KEY [--host-key SHA256:…]] [--send-store-credentials] [--json] | traindeck run --reattach RUN';

/**
 * `traindeck run`: the whole pipeline from the command line. Ctrl-C, SIGTERM and a closed
 * terminal (SIGHUP) are a graceful stop (training gets SIGTERM and its grace period, data is
 * pushed and verified, then teardown). While the run may hold cloud resources, the process
 * guard (cli-process) tears them down before any unexpected exit.
 */
function createRunCommand(
  makeDeps: (io: CliIo) => LifecycleDeps = (io) => lifecycleWorld(io.env, appDataDir(io.env)),
): CliCommand {
  return {
    name: 'run',
    summary: 'run the whole pipeline: machine, checkout, pull, verify, train, push, verify sync, teardown',
    usage: USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(USAGE, () =>
        parseArgs({
          args,
          options: {
            config: { type: 'string' },
            backend: { type: 'string' },
            host: { type: 'string' },
            identity: { type: 'string' },
            'host-key': { type: 'string' },
            json: { type: 'boolean', default: false },
            reattach: { type: 'string' },
            'send-store-credentials': { type: 'boolean', default: false },
          },
        }),
      );
      // `run --reattach RUN`: the same as `traindeck reattach RUN`.
      if (values.reattach) {
        return (await import('./reattach')).reattachCommand.run(
          [values.reattach, ...(values.json ? ['--json'] : [])],
          io,
        );
      }
      if (!values.config) throw new CliError(`--config is required. Usage: ${USAGE}`);
      const asked = values.backend as ComputeBackendKind | undefined;
      if (asked && !COMPUTE_BACKENDS.includes(asked)) {
        throw new CliError(`--backend is one of ${COMPUTE_BACKENDS.join(', ')}.`);
      }
      const hostFlags =
        values.host || values.identity ? parseHost(values.host, values.identity, values['host-key']) : undefined;
      const configPath = values.config;
      return asCli(async () => {
        const { config, baseDir } = await loadRunConfig(configPath);
        // A config with an sshHost section runs there unless --backend says otherwise.
        const backend = asked ?? (config.sshHost || hostFlags ? 'ssh-host' : 'aws-ec2');
        const host = backend === 'ssh-host' ? (hostFlags ?? config.sshHost) : undefined;
        if (backend === 'ssh-host' && !host) {
          throw new CliError(
            `--backend ssh-host needs --host user@host:port and --identity KEY, or an "sshHost" section in the run config. Usage: ${USAGE}`,
          );
        }
        const lifecycle = makeDeps(io);
        const printer = runPrinter(io, values.json);
        const service = createRunCliService(io, lifecycle, {
          sendStoreCredentials: values['send-store-credentials'],
          ...(printer.observer ? { observer: printer.observer } : {}),
        });
        service.bus.on('runs.event', printer.print);
        const { runId } = service.runs.start({ config, baseDir, backend, ...(host ? { host } : {}) });
        const stopOnSignal = io.host?.onStopSignal((signal, count) => {
          if (count === 1 && service.runs.cancel(runId)) {
            io.err(
              `traindeck: ${signal}: stopping run ${runId} gracefully (training gets SIGTERM, its data is pushed and verified, then teardown).\n`,
            );
          } else io.err(`traindeck: ${signal}: run ${runId} is already stopping; teardown follows.\n`);
        });
        const release = io.host?.holdResources({
          describe: () => `run ${runId} (${backend})`,
          async teardown() {
            if (!holdsCloudResources(service.runs.get(runId))) return `Run ${runId} holds no cloud resources.`;
            return (await emergencyTeardown(runId, config, lifecycle, AbortSignal.timeout(30 * 60_000))).line;
          },
        });
        try {
          const snapshot = await service.runs.wait(runId);
          return snapshot.state === 'succeeded' ? 0 : 1;
        } finally {
          printer.close();
          stopOnSignal?.();
          release?.();
        }
      });
    },
  };
}

/** The real command. */
export const runCommand = createRunCommand();

function parseHost(address: string | undefined, identity: string | undefined, hostKey: string | undefined) {
  if (!address || !identity) {
    throw new CliError(`--host and --identity go together: --host user@host:port --identity KEY. Usage: ${USAGE}`);
  }
  const parsed = sshHostSchema.safeParse({
    address,
    identityFile: identity,
    ...(hostKey ? { hostKeyFingerprint: hostKey } : {}),
  });
  if (!parsed.success) throw new CliError(parsed.error.issues[0]?.message ?? 'bad --host');
  return parsed.data;
}

/**
 * The run service as the CLI uses it (events on a bus it prints from); `reattach` uses it too.
 * `sendStoreCredentials` (`--send-store-credentials`) is the CLI's confirmation that an S3-compatible
 * store's own credentials may go to the run's machine: remembered per store and key, like the app's.
 * `observer` follows the training (the live progress bar).
 */
export function createRunCliService(
  io: CliIo,
  lifecycle: LifecycleDeps,
  options: { sendStoreCredentials?: boolean; observer?: RunObserver } = {},
) {
  const bus = new EventBus();
  const dataDir = appDataDir(io.env);
  // The monitor watches a run only when it may stop it (training.maxCostUsd, stall or NaN-loss "stop"):
  // its reason reaches the printed events (a note, then the outcome); its notifications have no reader here.
  const monitor = new MonitorService({
    bus,
    clock: systemClock,
    log: silentLogger,
    notifier: new MonitorNotifier(new NotificationService(bus)),
  });
  const observer = allObservers(
    options.observer,
    // A spot run's budget counts its spot price now, as the app's does (on-demand, at most, when unknown).
    monitorObserver(monitor, undefined, undefined, undefined, { stopsOnly: true, spotNow: spotNowOf(lifecycle) }),
  );
  const confirmStoreCredentials = confirmStoreCredentialsOnce(dataDir, async (exposure) => {
    if (options.sendStoreCredentials) return;
    throw new TypedError(
      'FORBIDDEN',
      `The store at ${exposure.endpoint} has no STS, so its own credentials (access key ${exposure.accessKeyId}) would be sent as they are to ${exposure.destination}; nothing was sent or uploaded`,
      {
        fix: 'If that machine may hold them, run again with --send-store-credentials (asked once per store and key), or use a key limited to the bucket prefix.',
      },
    );
  });
  return {
    bus,
    runs: createRunService({
      env: io.env,
      dataDir,
      bus,
      clock: systemClock,
      log: silentLogger,
      projectRoot: io.projectRoot,
      lifecycle,
      bundleDir: join(io.projectRoot, 'dist', 'executor'),
      confirmStoreCredentials,
      observer,
    }),
  };
}
