import { APP_VERSION } from '../core/version';
import { CliError, type CliCommand, type CliIo } from './command';
import { doctorCommand } from './commands/doctor';
import { killAllCommand } from './commands/kill-all';
import { launchCommand } from './commands/launch';
import { preflightCommand } from './commands/preflight';
import { scanCommand } from './commands/scan';
import { teardownCommand } from './commands/teardown';
import { keyCommand } from './commands/key';
import { syncCommand } from './commands/sync';
import { TypedError } from '../../shared/ipc/result';

/** Every `traindeck` command; later capabilities add theirs here. */
export const COMMANDS: readonly CliCommand[] = [doctorCommand, preflightCommand, launchCommand, scanCommand, killAllCommand, teardownCommand, syncCommand, keyCommand];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [`TrainDeck ${APP_VERSION}: train on one EC2 instance, pay nothing after.`, '', 'Usage: traindeck <command> [options]', '', 'Commands:', ...rows, '', 'Options:', '  --version  print the version', '  --help     print this help', ''].join('\n');
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
      io.out(helpText());
      return 0;
    }
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) throw new CliError(`unknown command "${name}". Run \`traindeck --help\` for the list.`);
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
