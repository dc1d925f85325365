import type { Handlers } from '../core/router';
import type { AccountService } from './account-service';
import { checkFiles } from './check-files';
import type { CostsService } from './costs-service';
import type { KeysService } from './keys-service';
import type { TemplatesService } from './templates-service';

/** The dashboard's services, built by {@link createDashboard}. */
export interface DashboardServices {
  account: AccountService;
  costs: CostsService;
  templates: TemplatesService;
  keys: KeysService;
}

type DashboardCommand =
  | 'aws.profiles'
  | 'aws.identity'
  | 'aws.instanceTypes'
  | 'preflight.run'
  | 'costs.scan'
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
  | 'keys.export';

const target = (request: { profile?: string | undefined; region: string }) => ({
  region: request.region,
  ...(request.profile ? { profile: request.profile } : {}),
});

/** Thin handlers of the dashboard's commands; handlers.ts spreads them into the table. */
export function dashboardHandlers(services: DashboardServices): Pick<Handlers, DashboardCommand> {
  const { account, costs, templates, keys } = services;
  return {
    'aws.profiles': () => account.profiles(),
    'aws.identity': (request) => account.identity(target(request)),
    'aws.instanceTypes': (request) => account.instanceTypes(target(request)),
    'preflight.run': ({ config }) => account.preflight(config),
    'costs.scan': () => costs.scan(),
    'costs.killAll': ({ resourceIds, includeUntracked, confirmation }) =>
      costs.killAll({ resourceIds, includeUntracked, confirmation }),
    'costs.teardownRun': ({ runId }) => costs.teardownRun(runId),
    'templates.list': () => templates.list(),
    'templates.save': ({ name, config }) => templates.save(name, config),
    'templates.delete': ({ name }) => templates.remove(name),
    'config.export': ({ config }) => templates.export(config),
    'config.checkFiles': ({ paths }) => checkFiles(paths),
    'keys.generate': ({ path }) => keys.generate(path),
    'keys.inspect': ({ path }) => keys.inspect(path),
    'keys.seal': ({ path }) => keys.seal(path),
    'keys.export': ({ path, to }) => keys.export(path, to),
  };
}
