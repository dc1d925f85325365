import { CliError } from './command';

/** Runs node's parseArgs and turns its errors into a one-line usage error. */
export function parseCommandArgs<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`${message?.replace(/\.$/, '')}. Usage: ${usage}`);
  }
}
