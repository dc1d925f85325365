import { create } from 'zustand';

import type { RunTemplate } from '../../../../../shared/domain/account';
import type { AppError } from '../../../../../shared/ipc/result';
import type { RunConfig } from '../../../../../shared/run-config/schema';
import { api } from '../../../bridge/api-ref';
import { useNavigation } from '../../../stores/navigation';
import { useRuns } from '../../runs/stores/runs';
import { useWizard } from './wizard';

interface LaunchStore {
  templates: RunTemplate[];
  templatesLoaded: boolean;
  templatesError: AppError | undefined;
  /** A templates load is in flight (Retry waits for it). */
  templatesLoading: boolean;
  saving: boolean;
  savedAs: string | undefined;
  /** The template the wizard was opened from: Review proposes its name, and saving under it updates it. */
  openedTemplate: string | undefined;
  /** A save refused because the name is taken: Review asks whether to replace that template. */
  nameTaken: { name: string; existing: string } | undefined;
  exported: { path: string; json: string } | undefined;
  actionError: AppError | undefined;
  launching: boolean;
  launchError: AppError | undefined;
  /** The run the last Launch started. */
  launchedRunId: string | undefined;
  /** Asks main for the saved templates; the bridge calls it on every (re)connect, Retry after a failure. */
  loadTemplates(): Promise<void>;
  /** Saves under `name`; a taken name is refused (`nameTaken`) unless `replace` (the user chose to). */
  saveTemplate(name: string, config: RunConfig, replace?: boolean): Promise<void>;
  /** The wizard now shows template `name` (or a fresh draft: undefined). */
  openedFrom(name: string | undefined): void;
  /** The user kept the taken template: nothing is saved. */
  keepTaken(): void;
  deleteTemplate(name: string): Promise<void>;
  exportConfig(config: RunConfig): Promise<void>;
  launch(config: RunConfig): Promise<void>;
  reset(): void;
}

/** Counts templates loads so an older answer never overwrites a newer one. */
let latestTemplatesLoad = 0;

/** Review's actions: templates, export for the CLI, and Launch (the run pipeline's `runs.start` on EC2 or the user's SSH machine). */
export const useLaunch = create<LaunchStore>()((set, get) => ({
  templates: [],
  templatesLoaded: false,
  templatesError: undefined,
  templatesLoading: false,
  saving: false,
  savedAs: undefined,
  openedTemplate: undefined,
  nameTaken: undefined,
  exported: undefined,
  actionError: undefined,
  launching: false,
  launchError: undefined,
  launchedRunId: undefined,

  loadTemplates: async () => {
    const load = ++latestTemplatesLoad;
    set({ templatesLoading: true });
    const result = await api().invoke('templates.list', {});
    // Loads overlap (a reconnect while one is in flight): only the newest may set what the card shows.
    if (load !== latestTemplatesLoad) return;
    // A failed load keeps the templates already shown: a dropped connection does not delete them.
    set(
      result.ok
        ? { templates: result.value, templatesLoaded: true, templatesError: undefined, templatesLoading: false }
        : { templatesLoaded: true, templatesError: result.error, templatesLoading: false },
    );
  },

  saveTemplate: async (name, config, replace = false) => {
    set({ saving: true, actionError: undefined, savedAs: undefined, nameTaken: undefined });
    const result = await api().invoke('templates.save', { name, config, replace });
    if (!result.ok) {
      const existing = result.error.details?.['existing'];
      // Main refused to overwrite: the user decides (replace, or another name), not the click that got here.
      if (result.error.code === 'CONFLICT' && typeof existing === 'string') {
        return set({ saving: false, nameTaken: { name, existing } });
      }
      return set({ saving: false, actionError: result.error });
    }
    set({ saving: false, savedAs: result.value.name, openedTemplate: result.value.name });
    await get().loadTemplates();
  },

  openedFrom: (name) => set({ openedTemplate: name, nameTaken: undefined }),

  keepTaken: () => set({ nameTaken: undefined }),

  deleteTemplate: async (name) => {
    const result = await api().invoke('templates.delete', { name });
    if (!result.ok) return set({ templatesError: result.error });
    await get().loadTemplates();
  },

  exportConfig: async (config) => {
    set({ actionError: undefined });
    const result = await api().invoke('config.export', { config });
    set(
      result.ok
        ? { exported: { path: result.value.path, json: JSON.stringify(config, null, 2) } }
        : { actionError: result.error },
    );
  },

  launch: async (config) => {
    set({ launching: true, launchError: undefined, launchedRunId: undefined });
    // The config's sshHost section names the machine; main resolves its paths ("~/", relative to home).
    const result = await api().invoke('runs.start', { config, backend: config.sshHost ? 'ssh-host' : 'aws-ec2' });
    if (!result.ok) return set({ launching: false, launchError: result.error });
    set({ launching: false, launchedRunId: result.value.runId });
    // The run exists now: its draft has done its job.
    useWizard.getState().discardSaved();
    useRuns.getState().launched(result.value.runId);
    useNavigation.getState().navigate('runs');
  },

  reset: () =>
    set({
      savedAs: undefined,
      exported: undefined,
      actionError: undefined,
      launchError: undefined,
      openedTemplate: undefined,
      nameTaken: undefined,
    }),
}));
