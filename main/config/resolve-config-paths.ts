import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

import type { RunConfig } from '../../shared/run-config/schema';

/** "~" and "~/x" → the home folder (what a user types in the wizard or a config by hand). */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/**
 * Every local path of a run config made absolute: "~/" expanded, relative paths taken from
 * `baseDir` (the config file's folder, or the home folder for configs from the window).
 * One list of path fields, so the CLI, the app and preflight read the same files.
 */
export function resolveConfigPaths(config: RunConfig, baseDir: string): RunConfig {
  const absolute = (path: string) => {
    const expanded = expandHome(path);
    return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
  };
  return {
    ...config,
    storage: {
      ...config.storage,
      sseKeyFile: absolute(config.storage.sseKeyFile),
      localRoot: absolute(config.storage.localRoot),
    },
    ...(config.code
      ? {
          code: {
            ...config.code,
            ...(config.code.deployKeyFile ? { deployKeyFile: absolute(config.code.deployKeyFile) } : {}),
            overrides: config.code.overrides.map((o) => ({ ...o, source: absolute(o.source) })),
          },
        }
      : {}),
    ...(config.training?.secretEnv
      ? {
          training: {
            ...config.training,
            secretEnv: Object.fromEntries(
              Object.entries(config.training.secretEnv).map(([name, path]) => [name, absolute(path)]),
            ),
          },
        }
      : {}),
    ...(config.sshHost ? { sshHost: { ...config.sshHost, identityFile: absolute(config.sshHost.identityFile) } } : {}),
  };
}
