import { homedir } from 'node:os';

import { TypedError } from '../../shared/ipc/result';
import { resolveConfigPaths } from '../config/resolve-config-paths';
import type { Handlers } from '../core/router';
import { runExposure } from '../trust/run-exposure';
import type { TrustGate } from '../trust/trust-gate';
import type { AccountService } from './account-service';
import { checkFiles } from './check-files';
import type { CostsService } from './costs-service';
import type { KeysService } from './keys-service';
import { settingsHandlers } from './settings-handlers';
import type { SettingsStore } from './settings-store';
import type { TemplatesService } from './templates-service';

/** The dashboard's services, built by {@link createDashboard}. */
export interface DashboardServices {
  account: AccountService;
  costs: CostsService;
  templates: TemplatesService;
  keys: KeysService;
  /** The app's settings (main validates and bounds every change). */
  settings: SettingsStore;
  /** Decides every path, plain export and untracked deletion the window asks for. */
  trust: TrustGate;
}

type DashboardCommand =
  | 'aws.profiles'
  | 'aws.identity'
  | 'aws.instanceTypes'
  | 'aws.prices'
  | 'preflight.run'
  | 'costs.scan'
  | 'costs.untrackedPhrase'
  | 'costs.killAll'
  | 'costs.teardownRun'
  | 'templates.list'
  | 'templates.save'
  | 'templates.delete'
  | 'config.export'
  | 'config.checkFiles'
  | 'keys.generate'
  | 'keys.inspect'
  | 'keys.seal'
  | 'keys.export'
  | 'settings.get'
  | 'settings.update'
  | 'settings.chooseDataFolder'
  | 'aws.regions';

const target = (request: { profile?: string | undefined; region: string }) => ({
  region: request.region,
  ...(request.profile ? { profile: request.profile } : {}),
});

/** Thin handlers of the dashboard's commands; handlers.ts spreads them into the table. */
export function dashboardHandlers(services: DashboardServices): Pick<Handlers, DashboardCommand> {
  const { account, costs, templates, keys, trust, settings } = services;
  /** One path the window named, allowed by the gate, or a FORBIDDEN with the gate's fix. */
  const readable = async (path: string, purpose: string) => {
    const [allowed] = await trust.readable([path], purpose);
    if (allowed === undefined) {
      throw new TypedError('FORBIDDEN', `TrainDeck may not read ${path} for the window.`, { fix: trust.refusalHint });
    }
    return allowed;
  };
  return {
    ...settingsHandlers({ settings, account, trust }),
    'aws.profiles': () => account.profiles(),
    'aws.identity': (request) => account.identity(target(request)),
    'aws.instanceTypes': (request) => account.instanceTypes(target(request)),
    'aws.prices': ({ instanceType, ...request }) => account.prices(target(request), instanceType),
    'preflight.run': async ({ config }) => {
      const backend = config.sshHost ? 'ssh-host' : 'aws-ec2';
      const paths = runExposure(resolveConfigPaths(config, homedir()), backend).files.map((file) => file.path);
      const allowed = await trust.readable(paths, 'check the run before launch');
      const refused = paths.filter((_, i) => allowed[i] === undefined);
      if (refused.length) {
        throw new TypedError('FORBIDDEN', `Preflight may not read ${refused.join(', ')} for the window.`, {
          fix: trust.refusalHint,
        });
      }
      return account.preflight(config);
    },
    'costs.scan': () => costs.scan(),
    'costs.untrackedPhrase': async ({ resourceIds }) => {
      const { phrase, count } = costs.untrackedPhrase(resourceIds);
      const { shownIn } = await trust.showKillPhrase(phrase, count);
      return { count, shownIn };
    },
    'costs.killAll': ({ resourceIds, includeUntracked, confirmation, scope }) =>
      costs.killAll({ resourceIds, includeUntracked, confirmation, ...(scope ? { scope } : {}) }),
    'costs.teardownRun': ({ runId }) => costs.teardownRun(runId),
    'templates.list': () => templates.list(),
    'templates.save': ({ name, config, replace }) => templates.save(name, config, { replace: replace === true }),
    'templates.delete': ({ name }) => templates.remove(name),
    'config.export': ({ config }) => templates.export(config),
    'config.checkFiles': async ({ paths, kinds = [] }) => {
      const allowed = await trust.readable(paths, "check that the run's files exist");
      const usable = allowed.flatMap((path, i) => (path === undefined ? [] : [{ path, kind: kinds[i] ?? 'file' }]));
      const checked = await checkFiles(
        usable.map((u) => u.path),
        usable.map((u) => u.kind),
      );
      const byPath = new Map(checked.map((check) => [check.path, check]));
      return paths.map((path, i) => {
        const absolute = allowed[i];
        const check = absolute === undefined ? undefined : byPath.get(absolute);
        return check
          ? { ...check, path }
          : { path, ok: false, reason: 'not-allowed' as const, problem: `not checked: ${trust.refusalHint}` };
      });
    },
    'keys.generate': async ({ path }) => keys.generate(await trust.writable(path, 'new key file')),
    'keys.inspect': async ({ path }) => keys.inspect(await readable(path, 'read a key fingerprint')),
    'keys.seal': async ({ path }) => keys.seal(await readable(path, 'seal a key with the OS keychain')),
    'keys.export': async ({ path, to }) => {
      const from = await readable(path, 'copy a key');
      const target = await trust.writable(to, 'key backup');
      return keys.export(from, target, () => trust.confirmPlaintextExport(from, target));
    },
  };
}
