import { TypedError } from '../../shared/ipc/result';
import { APP_VERSION } from '../core/version';
import { type CliCommand, CliError, type CliIo } from './command';

/**
 * Every `traindeck` command, loaded on demand: running one command loads only the code it
 * needs (the sync command starts in 0.1 s instead of 0.3 s with every AWS client loaded).
 * Later capabilities add theirs here.
 */
export const COMMAND_LOADERS: Record<string, () => Promise<CliCommand>> = {
  doctor: async () => (await import('./commands/doctor')).doctorCommand,
  preflight: async () => (await import('./commands/preflight')).preflightCommand,
  launch: async () => (await import('./commands/launch')).launchCommand,
  scan: async () => (await import('./commands/scan')).scanCommand,
  'kill-all': async () => (await import('./commands/kill-all')).killAllCommand,
  teardown: async () => (await import('./commands/teardown')).teardownCommand,
  sync: async () => (await import('./commands/sync')).syncCommand,
  datasets: async () => (await import('./commands/datasets')).datasetsCommand,
  key: async () => (await import('./commands/key')).keyCommand,
  run: async () => (await import('./commands/run')).runCommand,
  reattach: async () => (await import('./commands/reattach')).reattachCommand,
  push: async () => (await import('./commands/push')).pushCommand,
};

async function helpText(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMAND_LOADERS).map((load) => load()));
  const width = Math.max(...commands.map((command) => command.name.length));
  const rows = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `TrainDeck ${APP_VERSION}: train on one EC2 instance, pay nothing after.`,
    '',
    'Usage: traindeck <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Options:',
    '  --version  print the version',
    '  --help     print this help',
    '',
  ].join('\n');
}

/**
 * Runs the CLI and returns the exit code. Every error is one readable line on stderr:
 * 2 for bad usage, 1 for a failure of the work itself.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-v') {
      io.out(`${APP_VERSION}\n`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(await helpText());
      return 0;
    }
    const load = Object.hasOwn(COMMAND_LOADERS, name) ? COMMAND_LOADERS[name] : undefined;
    if (!load) throw new CliError(`unknown command "${name}". Run \`traindeck --help\` for the list.`);
    const command = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`${command.summary}\nUsage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    const exitCode = error instanceof CliError ? error.exitCode : 1;
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    const fix = error instanceof TypedError && error.fix ? ` ${error.fix}` : '';
    io.err(`traindeck: ${message}${fix}\n`);
    return exitCode;
  }
}
