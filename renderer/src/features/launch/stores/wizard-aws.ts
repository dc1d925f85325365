import { create } from 'zustand';

import type {
  AwsIdentity,
  AwsProfiles,
  InstanceTypeOption,
  KeyFileInfo,
  RegionPrices,
} from '../../../../../shared/domain/account';
import type { PreflightCheck, PreflightReport } from '../../../../../shared/domain/preflight';
import type { RegionChoice } from '../../../../../shared/domain/regions';
import type { AppError } from '../../../../../shared/ipc/result';
import type { RunConfig } from '../../../../../shared/run-config/schema';
import { api } from '../../../bridge/api-ref';
import { useWizard } from './wizard';

/** A value loaded for one key (profile@region, a config…), so a late answer for an old key is dropped. */
export interface Loaded<T> {
  key: string;
  loading: boolean;
  value?: T;
  error?: AppError;
}

interface WizardAwsStore {
  profiles: Loaded<AwsProfiles> | undefined;
  identity: Loaded<AwsIdentity> | undefined;
  /** The region picker's list for the chosen profile: the console's names, not-enabled regions marked. */
  regions: Loaded<{ regions: RegionChoice[]; problem?: string }> | undefined;
  instanceTypes: Loaded<InstanceTypeOption[]> | undefined;
  preflight: Loaded<PreflightReport> | undefined;
  /** The region's prices and the chosen type's spot price per zone (the estimate's source). */
  prices: Loaded<RegionPrices> | undefined;
  /** The SSE-C key as main last described it (how it is stored, whether it could be sealed); never its bytes. */
  key: { busy: boolean; error?: AppError; info?: KeyFileInfo };
  loadProfiles(): Promise<void>;
  checkIdentity(profile: string, region: string): Promise<void>;
  /** Which regions the profile's account has enabled (asked once per profile). */
  loadRegions(profile: string): Promise<void>;
  loadInstanceTypes(profile: string, region: string): Promise<void>;
  loadPrices(profile: string, region: string, instanceType: string): Promise<void>;
  runPreflight(config: RunConfig): Promise<void>;
  /** Generates or imports the SSE-C key at the draft's path; only its fingerprint comes back. */
  prepareKey(): Promise<void>;
  /** Seals a copy of the draft's plain key file with the OS keychain and uses the copy from then on. */
  sealKey(): Promise<void>;
}

const target = (profile: string, region: string) => ({ region, ...(profile ? { profile } : {}) });

/** What the wizard asks of AWS and of main: profiles, identity, instance types, preflight, the key. */
export const useWizardAws = create<WizardAwsStore>()((set, get) => ({
  profiles: undefined,
  identity: undefined,
  regions: undefined,
  instanceTypes: undefined,
  preflight: undefined,
  prices: undefined,
  key: { busy: false },

  loadProfiles: async () => {
    set({ profiles: { key: 'profiles', loading: true } });
    const result = await api().invoke('aws.profiles', {});
    set({
      profiles: result.ok
        ? { key: 'profiles', loading: false, value: result.value }
        : { key: 'profiles', loading: false, error: result.error },
    });
  },

  checkIdentity: async (profile, region) => {
    const key = `${profile}@${region}`;
    set({ identity: { key, loading: true } });
    const result = await api().invoke('aws.identity', target(profile, region));
    if (get().identity?.key !== key) return;
    set({
      identity: result.ok ? { key, loading: false, value: result.value } : { key, loading: false, error: result.error },
    });
  },

  loadRegions: async (profile) => {
    const key = profile;
    if (get().regions?.key === key && !get().regions?.error) return;
    set({ regions: { key, loading: true } });
    const result = await api().invoke('aws.regions', profile ? { profile } : {});
    if (get().regions?.key !== key) return;
    set({
      regions: result.ok ? { key, loading: false, value: result.value } : { key, loading: false, error: result.error },
    });
  },

  loadInstanceTypes: async (profile, region) => {
    const key = `${profile}@${region}`;
    if (get().instanceTypes?.key === key && !get().instanceTypes?.error) return;
    set({ instanceTypes: { key, loading: true } });
    const result = await api().invoke('aws.instanceTypes', target(profile, region));
    if (get().instanceTypes?.key !== key) return;
    set({
      instanceTypes: result.ok
        ? { key, loading: false, value: result.value }
        : { key, loading: false, error: result.error },
    });
  },

  loadPrices: async (profile, region, instanceType) => {
    const key = `${profile}@${region}:${instanceType}`;
    if (get().prices?.key === key && !get().prices?.error) return;
    set({ prices: { key, loading: true } });
    const result = await api().invoke('aws.prices', { ...target(profile, region), instanceType });
    if (get().prices?.key !== key) return;
    set({
      prices: result.ok ? { key, loading: false, value: result.value } : { key, loading: false, error: result.error },
    });
  },

  runPreflight: async (config) => {
    const key = JSON.stringify(config);
    set({
      preflight: {
        key,
        loading: true,
        ...(get().preflight?.value ? { value: get().preflight?.value } : {}),
      } as Loaded<PreflightReport>,
    });
    const files = localFiles(config);
    const [result, checked] = await Promise.all([
      api().invoke('preflight.run', { config }),
      files.length
        ? api().invoke('config.checkFiles', { paths: files.map((f) => f.path), kinds: files.map((f) => f.kind) })
        : undefined,
    ]);
    if (get().preflight?.key !== key) return;
    if (!result.ok) return set({ preflight: { key, loading: false, error: result.error } });
    // The run's local files (deploy key, overrides) join the AWS checks: a missing one blocks Launch too.
    const fileChecks: PreflightCheck[] = checked?.ok
      ? checked.value.map((c, i) => ({
          id: `file-${i}`,
          label: files[i]?.label ?? 'File',
          status: c.ok ? 'pass' : 'fail',
          value: c.ok ? c.path : `${c.path}: ${c.problem ?? 'unusable'}`,
          field: files[i]?.field ?? 'code.deployKeyFile',
        }))
      : [];
    const checks = [...result.value.checks, ...fileChecks];
    set({
      preflight: {
        key,
        loading: false,
        value: { ...result.value, checks, ok: result.value.ok && fileChecks.every((c) => c.status === 'pass') },
      },
    });
  },

  prepareKey: async () => {
    const { data } = useWizard.getState().draft;
    set({ key: { busy: true } });
    const result = await api().invoke(data.keyMode === 'generate' ? 'keys.generate' : 'keys.inspect', {
      path: data.keyPath.trim(),
    });
    if (!result.ok) return set({ key: { busy: false, error: result.error } });
    set({ key: { busy: false, info: result.value } });
    useWizard.getState().update('data', { keyPath: result.value.path, keyFingerprint: result.value.fingerprint });
  },

  sealKey: async () => {
    const { data } = useWizard.getState().draft;
    set({ key: { ...get().key, busy: true } });
    const result = await api().invoke('keys.seal', { path: data.keyPath.trim() });
    if (!result.ok) return set({ key: { ...get().key, busy: false, error: result.error } });
    set({ key: { busy: false, info: result.value } });
    // The run config now names the sealed copy; the user's plain file stays where it was.
    useWizard.getState().update('data', { keyPath: result.value.path, keyFingerprint: result.value.fingerprint });
  },
}));

/** The local files a run config names that must exist on this machine (a deploy key must be a private key), and the field that names each. */
function localFiles(
  config: RunConfig,
): Array<{ label: string; path: string; kind: 'file' | 'ssh-private-key'; field: string }> {
  const files = config.code?.deployKeyFile
    ? [
        {
          label: 'Deploy key file',
          path: config.code.deployKeyFile,
          kind: 'ssh-private-key' as const,
          field: 'code.deployKeyFile',
        },
      ]
    : [];
  return [
    ...files,
    ...(config.code?.overrides ?? []).map((o, i) => ({
      label: `Override file ${i + 1}`,
      path: o.source,
      kind: 'file' as const,
      field: `code.overrides.${i}.source`,
    })),
    // Checked for existence only: main reads the value at preflight (its own check) and at launch, never for the window.
    ...Object.entries(config.training?.secretEnv ?? {}).map(([name, path]) => ({
      label: `Secret file of ${name}`,
      path,
      kind: 'file' as const,
      field: 'training.secretEnv',
    })),
  ];
}
