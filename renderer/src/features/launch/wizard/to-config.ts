import type { RunConfig } from '../../../../../shared/run-config/schema';
import { emptyDraft, type WizardDraft } from './draft';
import { keptSettings, withKept } from './kept-settings';

// "" means "not given" (so the schema's required/default rules apply); anything else is passed on,
// and a non-number stays a string so the schema names the problem.
const numberOrText = (text: string): number | string | undefined => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
};
const optional = <K extends string>(key: K, text: string): Partial<Record<K, string>> =>
  text.trim() ? ({ [key]: text.trim() } as Record<K, string>) : {};

// Rows with a name or a file become the map (the wizard's own checks name a half-filled row); none, no key.
const secretEnvOf = (rows: WizardDraft['training']['secretEnv']) => {
  const filled = rows.filter((row) => row.name.trim() || row.file.trim());
  return filled.length
    ? { secretEnv: Object.fromEntries(filled.map((row) => [row.name.trim(), row.file.trim()])) }
    : {};
};

// "g5.2xlarge, g6.xlarge" (commas or spaces) → the list; empty: no key (the schema names a bad entry).
const alternativesOf = (text = '') => {
  const types = text.split(/[\s,]+/).filter(Boolean);
  return types.length ? { alternatives: types } : {};
};

// A spot run's section: the on-demand fallback and the relaunches after an interruption ("" = off,
// left to the schema's default); none on-demand, and none when both are at their defaults.
const spotOf = ({ market, fallbackOnDemand, maxRelaunches = '' }: WizardDraft['compute']) => {
  if (market !== 'spot') return {};
  const relaunches = numberOrText(maxRelaunches);
  const spot = {
    ...(fallbackOnDemand ? { fallbackOnDemand: true } : {}),
    ...(relaunches === undefined ? {} : { maxRelaunches: relaunches }),
  };
  return Object.keys(spot).length ? { spot } : {};
};

// The stall and NaN-loss actions; a section only when one differs from the default (alert, off), since
// a config's monitoring section replaces the Settings page's monitoring values for the run.
const monitoringOf = ({ stallAction, lossAction }: WizardDraft['training']) =>
  stallAction === 'alert' && lossAction === 'off'
    ? {}
    : {
        monitoring: {
          ...(stallAction === 'alert' ? {} : { stall: { action: stallAction } }),
          ...(lossAction === 'off' ? {} : { nonFiniteLoss: lossAction }),
        },
      };

/** The run config the draft describes (with a template's kept settings), unvalidated: the shared schema decides. */
export function draftToConfig(draft: WizardDraft): unknown {
  return withKept(editedConfig(draft), draft.kept, draft.compute.target);
}

function editedConfig(draft: WizardDraft): Record<string, unknown> {
  const { account, compute, code, data, training } = draft;
  const ttl = numberOrText(compute.ttlMinutes);
  const disk = numberOrText(compute.diskGb);
  const budget = numberOrText(training.maxCostUsd);
  const expectedHours = numberOrText(training.expectedHours);
  return {
    version: 1,
    ...optional('name', account.name),
    aws: { region: account.region.trim(), ...optional('profile', account.profile) },
    storage: {
      bucket: data.bucket.trim(),
      prefix: data.prefix.trim(),
      sseKeyFile: data.keyPath.trim(),
      ...(data.region === undefined ? {} : { region: data.region }),
      localRoot: data.localRoot ?? 'data',
      folders: data.folders,
    },
    ...(compute.target === 'ssh-host'
      ? {
          sshHost: {
            address: compute.sshAddress.trim(),
            identityFile: compute.sshIdentityFile.trim(),
            ...optional('hostKeyFingerprint', compute.sshHostKey),
          },
        }
      : {
          compute: {
            instanceType: compute.instanceType,
            market: compute.market,
            ...(disk === undefined ? {} : { diskGb: disk }),
            ...optional('amiId', compute.amiId),
            ...(ttl === undefined ? {} : { ttlMinutes: ttl }),
            shutdownAfterPush: compute.shutdownAfterPush,
            ...alternativesOf(compute.alternatives),
            ...spotOf(compute),
          },
        }),
    code: {
      repoUrl: code.repoUrl.trim(),
      ...(code.refKind === 'branch' ? optional('branch', code.ref) : optional('commit', code.ref)),
      ...optional('deployKeyFile', code.deployKeyFile),
      ...optional('knownHosts', code.knownHosts),
      overrides: code.overrides.map((o) => ({ source: o.source.trim(), target: o.target.trim() })),
    },
    training: {
      command: training.command,
      env: Object.fromEntries(training.env.filter((e) => e.name.trim()).map((e) => [e.name.trim(), e.value])),
      ...secretEnvOf(training.secretEnv),
      // On the user's own machine the wizard's time limit stops the training (nothing to power off).
      ...(compute.target === 'ssh-host' && ttl !== undefined ? { maxRuntimeMinutes: ttl } : {}),
      ...(budget === undefined ? {} : { maxCostUsd: budget }),
      ...(expectedHours === undefined ? {} : { expectedHours }),
    },
    ...monitoringOf(training),
  };
}

/** A draft from a saved config (a template), so the wizard can show and edit it. */
export function configToDraft(config: RunConfig, fingerprint = ''): WizardDraft {
  const base = emptyDraft();
  const target = config.sshHost ? 'ssh-host' : 'aws-ec2';
  return {
    kept: keptSettings(config, target),
    account: { name: config.name ?? '', profile: config.aws.profile ?? '', region: config.aws.region },
    compute: config.sshHost
      ? {
          ...base.compute,
          target: 'ssh-host',
          ttlMinutes: String(config.training?.maxRuntimeMinutes ?? ''),
          sshAddress: config.sshHost.address,
          sshIdentityFile: config.sshHost.identityFile,
          sshHostKey: config.sshHost.hostKeyFingerprint ?? '',
        }
      : config.compute
        ? {
            ...base.compute,
            instanceType: config.compute.instanceType,
            market: config.compute.market,
            amiId: config.compute.amiId ?? '',
            diskGb: String(config.compute.diskGb),
            ttlMinutes: String(config.compute.ttlMinutes),
            shutdownAfterPush: config.compute.shutdownAfterPush,
            alternatives: (config.compute.alternatives ?? []).join(', '),
            fallbackOnDemand: config.compute.spot?.fallbackOnDemand ?? false,
            maxRelaunches: config.compute.spot?.maxRelaunches ? String(config.compute.spot.maxRelaunches) : '',
          }
        : base.compute,
    code: config.code
      ? {
          repoUrl: config.code.repoUrl,
          refKind: config.code.commit ? 'commit' : 'branch',
          ref: config.code.commit ?? config.code.branch ?? '',
          deployKeyFile: config.code.deployKeyFile ?? '',
          knownHosts: config.code.knownHosts ?? '',
          overrides: config.code.overrides.map((o) => ({ ...o })),
        }
      : base.code,
    data: {
      bucket: config.storage.bucket,
      prefix: config.storage.prefix,
      folders: config.storage.folders.map((f) => ({ ...f })),
      keyMode: 'import',
      keyPath: config.storage.sseKeyFile,
      keyFingerprint: fingerprint,
      // Not shown by the wizard, kept all the same: the template's data folder and bucket region.
      localRoot: config.storage.localRoot,
      ...(config.storage.region === undefined ? {} : { region: config.storage.region }),
    },
    training: config.training
      ? {
          command: config.training.command,
          env: Object.entries(config.training.env).map(([name, value]) => ({ name, value })),
          secretEnv: Object.entries(config.training.secretEnv ?? {}).map(([name, file]) => ({ name, file })),
          maxCostUsd: config.training.maxCostUsd === undefined ? '' : String(config.training.maxCostUsd),
          expectedHours: config.training.expectedHours === undefined ? '' : String(config.training.expectedHours),
          stallAction: config.monitoring?.stall.action ?? 'alert',
          lossAction: config.monitoring?.nonFiniteLoss ?? 'off',
        }
      : base.training,
  };
}
