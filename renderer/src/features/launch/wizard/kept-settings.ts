import type { RunConfig } from '../../../../../shared/run-config/schema';
import type { MachineTarget } from './draft';

/**
 * A saved config's settings the wizard has no field for (training.graceSeconds, the monitoring
 * thresholds, compute.sshUser …), carried verbatim from the template into the config it launches.
 * Why a list of what the wizard owns rather than of what it keeps: a field added to the schema
 * later is kept without anyone remembering this file (./to-config.roundtrip.test.ts proves the round trip).
 */
export interface KeptSettings {
  /** The machine the settings were kept under: switching it drops the other machine's section. */
  target: MachineTarget;
  config: Record<string, unknown>;
}

// Paths the draft has a field for, so the draft's value (even an emptied one) wins over the template's.
const OWNED_ALWAYS = [
  'version',
  'name',
  'aws.region',
  'aws.profile',
  'storage.bucket',
  'storage.prefix',
  'storage.sseKeyFile',
  'storage.region',
  'storage.localRoot',
  'storage.folders',
  'code',
  'training.command',
  'training.env',
  'training.secretEnv',
  'training.maxCostUsd',
  'training.expectedHours',
  'monitoring.stall.action',
  'monitoring.nonFiniteLoss',
];
const OWNED_BY_TARGET: Record<MachineTarget, string[]> = {
  'aws-ec2': [
    'compute.instanceType',
    'compute.market',
    'compute.diskGb',
    'compute.amiId',
    'compute.ttlMinutes',
    'compute.shutdownAfterPush',
    'compute.alternatives',
    'compute.spot',
  ],
  'ssh-host': ['sshHost', 'training.maxRuntimeMinutes'],
};

/** The paths (dotted) the wizard edits for a `target` run; everything else in a template is kept. */
export function ownedPaths(target: MachineTarget): string[] {
  return [...OWNED_ALWAYS, ...OWNED_BY_TARGET[target]];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function without(value: Record<string, unknown>, paths: string[][]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const below = paths.filter((path) => path[0] === key);
    if (below.some((path) => path.length === 1)) continue;
    // An emptied section stays (empty): it says the template had one, which the schema fills with its defaults.
    kept[key] =
      below.length && isPlainObject(child)
        ? without(
            child,
            below.map((path) => path.slice(1)),
          )
        : child;
  }
  return kept;
}

/** What the wizard keeps of a template opened for a `target` run: the config minus the draft's fields. */
export function keptSettings(config: RunConfig, target: MachineTarget): KeptSettings {
  const paths = ownedPaths(target).map((path) => path.split('.'));
  return { target, config: structuredClone(without(config as Record<string, unknown>, paths)) };
}

/** `made` (the draft's config) over the kept settings: objects merge, the draft's values win. */
export function withKept(made: Record<string, unknown>, kept: KeptSettings | undefined, target: MachineTarget) {
  if (!kept) return made;
  const base = { ...kept.config };
  // A template for the other machine: its machine section would describe a machine the run no longer uses.
  if (kept.target !== target) {
    delete base.compute;
    delete base.sshHost;
  }
  return merge(base, made);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    merged[key] = isPlainObject(under) && isPlainObject(value) ? merge(under, value) : value;
  }
  return merged;
}
