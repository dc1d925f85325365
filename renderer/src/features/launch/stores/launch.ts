import { create } from 'zustand';

import type { RunTemplate } from '../../../../../shared/domain/account';
import type { AppError } from '../../../../../shared/ipc/result';
import type { RunConfig } from '../../../../../shared/run-config/schema';
import { api } from '../../../bridge/api-ref';
import { useNavigation } from '../../../stores/navigation';
import { useRuns } from '../../runs/stores/runs';

interface LaunchStore {
  templates: RunTemplate[];
  templatesLoaded: boolean;
  templatesError: AppError | undefined;
  saving: boolean;
  savedAs: string | undefined;
  exported: { path: string; json: string } | undefined;
  actionError: AppError | undefined;
  launching: boolean;
  launchError: AppError | undefined;
  /** The run the last Launch started. */
  launchedRunId: string | undefined;
  loadTemplates(): Promise<void>;
  saveTemplate(name: string, config: RunConfig): Promise<void>;
  deleteTemplate(name: string): Promise<void>;
  exportConfig(config: RunConfig): Promise<void>;
  launch(config: RunConfig): Promise<void>;
  reset(): void;
}

/** Review's actions: templates, export for the CLI, and Launch (the run pipeline's `runs.start` on EC2 or the user's SSH machine). */
export const useLaunch = create<LaunchStore>()((set, get) => ({
  templates: [],
  templatesLoaded: false,
  templatesError: undefined,
  saving: false,
  savedAs: undefined,
  exported: undefined,
  actionError: undefined,
  launching: false,
  launchError: undefined,
  launchedRunId: undefined,

  loadTemplates: async () => {
    const result = await api().invoke('templates.list', {});
    set(
      result.ok
        ? { templates: result.value, templatesLoaded: true, templatesError: undefined }
        : { templatesLoaded: true, templatesError: result.error },
    );
  },

  saveTemplate: async (name, config) => {
    set({ saving: true, actionError: undefined, savedAs: undefined });
    const result = await api().invoke('templates.save', { name, config });
    set(result.ok ? { saving: false, savedAs: result.value.name } : { saving: false, actionError: result.error });
    if (result.ok) await get().loadTemplates();
  },

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
    useRuns.getState().select(result.value.runId);
    useNavigation.getState().navigate('runs');
  },

  reset: () => set({ savedAs: undefined, exported: undefined, actionError: undefined, launchError: undefined }),
}));
