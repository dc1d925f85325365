import type { CommandName } from './contract';

/**
 * Every command name, spelled out without zod: the preload (a sandboxed bundle loaded on every
 * page load) builds its allowlist from this list, so it never loads the contract's schemas.
 * The contract's `COMMAND_NAMES` is derived from the schemas; contract.test.ts checks that the
 * two lists are equal, and the type below makes a missing name a compile error.
 */
export const COMMAND_NAME_LIST = [
  'app.info',
  'app.ping',
  'system.doctor',
  'jobs.list',
  'jobs.cancel',
  'aws.profiles',
  'aws.identity',
  'aws.instanceTypes',
  'aws.prices',
  'preflight.run',
  'costs.scan',
  'costs.untrackedPhrase',
  'costs.killAll',
  'costs.teardownRun',
  'templates.list',
  'templates.save',
  'templates.delete',
  'config.export',
  'config.checkFiles',
  'keys.generate',
  'keys.inspect',
  'keys.seal',
  'keys.export',
  'runs.start',
  'runs.list',
  'runs.get',
  'runs.unfinished',
  'runs.reattach',
  'runs.retry',
  'runs.cancel',
  'runs.pushNow',
  'runs.newestCheckpoint',
  'runs.report',
  'runs.saveReport',
  'monitor.list',
  'monitor.snapshot',
  'settings.get',
  'settings.update',
  'settings.chooseDataFolder',
  'webhook.get',
  'webhook.set',
  'webhook.clear',
  'webhook.test',
  'aws.regions',
] as const satisfies readonly CommandName[];

/** A command of the contract that is missing from {@link COMMAND_NAME_LIST} (must be `never`). */
type CommandMissingFromNameList = Exclude<CommandName, (typeof COMMAND_NAME_LIST)[number]>;
// A new command without its name here fails to compile: add it to the list above.
const everyCommandListed: [CommandMissingFromNameList] extends [never] ? true : CommandMissingFromNameList = true;
void everyCommandListed;
