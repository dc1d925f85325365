import { TypedError } from '../../shared/ipc/result';
import type { Logger } from '../core/logger';
import type { PathAllowlist } from '../trust/path-allowlist';
import { describeExposure, describeStoreCredentials, sshTargetOf } from '../trust/run-exposure';
import type { RunExposure, TrustGate } from '../trust/trust-gate';
import type { TerminalPrompt } from './terminal-prompt';

/** What the browser host was started with (its flags), and its terminal. */
export interface BrowserTrustOptions {
  /** The app data folder, the folder the host was started from, and each `--allow-dir`. */
  paths: PathAllowlist;
  /** `--allow-local-runs`: without it the local backend (which runs commands here) is off. */
  allowLocalRuns: boolean;
  /** `--allow-host user@host[:port]`: ssh-host targets allowed without asking on the terminal. */
  allowedHosts: readonly string[];
  /** `--allow-store-credentials`: an S3-compatible store's own credentials may go to a run's machine without asking. */
  allowStoreCredentials?: boolean;
  terminal: TerminalPrompt;
  log: Logger;
}

/**
 * The browser host's trust gate. Browser mode has no native dialog, so what the window asks is
 * decided by how the host was started (its folder allowlist and flags) and, for ssh-host targets
 * and plaintext exports, by a question on the host's terminal. Without a terminal those are refused
 * with the flag that allows them.
 */
export function browserTrustGate(options: BrowserTrustOptions): TrustGate {
  const { paths, terminal, log } = options;
  // Targets confirmed on the terminal this session are not asked again.
  const trustedHosts = new Set(options.allowedHosts.map(sshTargetOf));
  const folders = paths.roots.join(', ') || '(none)';
  const refusalHint = `The browser host only reads and writes under ${folders}: restart it with --allow-dir FOLDER to add one.`;

  const askOnTerminal = async (what: string, question: string, flag: string): Promise<void> => {
    if (!terminal.interactive) {
      throw new TypedError(
        'FORBIDDEN',
        `The window asked to ${what}, and this host has no terminal to confirm it on.`,
        {
          fix: `Restart the browser host in a terminal, or with ${flag}.`,
        },
      );
    }
    log.info('asking on the terminal', { what });
    if (!(await terminal.confirm(question))) {
      throw new TypedError('CANCELLED', `Refused on the host's terminal: ${what}.`, {
        fix: 'Answer "yes" on the terminal where the browser host runs to allow it.',
      });
    }
  };

  return {
    kind: 'browser',
    refusalHint,
    readable: (list) => Promise.all(list.map((path) => paths.resolve(path))),
    async writable(requested, purpose) {
      const allowed = await paths.resolve(requested);
      if (!allowed) {
        throw new TypedError(
          'FORBIDDEN',
          `The ${purpose} path ${requested} is outside the folders this host may write to.`,
          {
            fix: refusalHint,
          },
        );
      }
      return allowed;
    },
    async chooseFolder(requested, purpose) {
      if (!requested?.trim()) {
        throw new TypedError('INVALID_REQUEST', `Type the ${purpose} path first: browser mode has no folder dialog.`, {
          fix: `Type an absolute path under ${folders}.`,
        });
      }
      const allowed = await paths.resolve(requested);
      if (!allowed) {
        throw new TypedError(
          'FORBIDDEN',
          `The ${purpose} ${requested} is outside the folders this host may write to.`,
          {
            fix: refusalHint,
          },
        );
      }
      return allowed;
    },
    async confirmRun(exposure) {
      const refused: string[] = [];
      for (const file of exposure.files) if (!(await paths.resolve(file.path))) refused.push(file.path);
      if (refused.length) {
        throw new TypedError('FORBIDDEN', `The run reads files outside the allowed folders: ${refused.join(', ')}.`, {
          fix: refusalHint,
        });
      }
      if (exposure.backend === 'local' && !options.allowLocalRuns) {
        throw new TypedError('FORBIDDEN', 'Local runs are off in browser mode: they run commands on this computer.', {
          fix: 'Restart the browser host with --allow-local-runs to allow them, or use the desktop app.',
        });
      }
      if (exposure.backend === 'ssh-host') await confirmHost(exposure);
    },
    async confirmStoreCredentials(exposure) {
      if (options.allowStoreCredentials) return;
      await askOnTerminal(
        `send the credentials of ${exposure.endpoint} to ${exposure.destination}`,
        describeStoreCredentials(exposure),
        '--allow-store-credentials',
      );
    },
    async confirmPlaintextExport(from, to) {
      await askOnTerminal(
        'write a sealed key as a plain file',
        `The TrainDeck window asks to write the sealed key ${from} as a PLAIN file at ${to}.`,
        'the desktop app (which asks in a dialog)',
      );
    },
    async showKillPhrase(phrase, count) {
      terminal.print(
        `The TrainDeck window asks to delete ${count} untracked resource(s).\nTo allow it, type this phrase in the window: ${phrase}`,
      );
      return { shownIn: 'the terminal where the browser host runs (its stderr)' };
    },
  };

  async function confirmHost(exposure: RunExposure): Promise<void> {
    const target = exposure.sshTarget ?? '';
    if (trustedHosts.has(target)) return;
    await askOnTerminal(`start a run on ${target}`, describeExposure(exposure), `--allow-host ${target}`);
    trustedHosts.add(target);
  }
}
