import type { ExecutorSecrets, PushNowFolder } from '../../../shared/executor/protocol';
import { TypedError } from '../../../shared/ipc/result';
import { FIX_LINE_PREFIX } from '../../executor/phase-error';
import type { WorkLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import { shellQuote } from '../../host/shell-quote';
import { checkExecutorIdentity, type ExecutorIdentity, pushSecrets } from './executor-identity';

/**
 * Runs `executor.mjs push` on the machine beside whatever runs there (secrets on stdin again,
 * only what a push needs), on the Node recorded at start and the executor uploaded at start (its
 * SHA-256 checked first). With `folders`, a push during training of those folders only. Returns
 * the JSON of its last stdout line; exit 1 with such a line means "done, with failures".
 */
export async function execExecutorPush<T>(
  host: RemoteHost,
  layout: WorkLayout,
  secrets: ExecutorSecrets,
  identity: ExecutorIdentity | undefined,
  options: { folders?: readonly PushNowFolder[]; signal: AbortSignal },
): Promise<{ result: T; code: number }> {
  const { node } = await checkExecutorIdentity(host, layout, identity);
  const folderArgs = (options.folders ?? []).map((f) => ` --folder ${shellQuote(f)}`).join('');
  const run = await host.exec(
    `${shellQuote(node)} ${shellQuote(layout.bundle)} push --work ${shellQuote(layout.workDir)}${folderArgs}`,
    { stdin: JSON.stringify(pushSecrets(secrets)), timeoutMs: 60 * 60_000, signal: options.signal },
  );
  const line = run.stdout.trim().split('\n').pop();
  const parsed = line ? parseJson<T>(line) : undefined;
  if (parsed === undefined || (run.code !== 0 && run.code !== 1)) throw pushFailure(run.code, run.stderr);
  return { result: parsed, code: run.code };
}

/**
 * A push the executor refused or failed, from its exit code and stderr (`failureLines`): its
 * reason, and its own fix when it said one (e.g. "Wait for it to finish…" for a push already running).
 */
export function pushFailure(code: number | null, stderr: string): Error {
  const lines = stderr.trim().split('\n');
  const why = lines.at(-1)?.replace(/^traindeck-executor: /, '') ?? '';
  const said = lines.at(-2);
  const message = `the push failed (exit ${code})${why ? `: ${why}` : ''}`;
  if (!said?.startsWith(FIX_LINE_PREFIX)) return new Error(message);
  return new TypedError('PRECONDITION_FAILED', `${message.charAt(0).toUpperCase()}${message.slice(1)}.`, {
    fix: said.slice(FIX_LINE_PREFIX.length),
  });
}

function parseJson<T>(line: string): T | undefined {
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
