import type { ExecutorSecrets, PushNowFolder } from '../../../shared/executor/protocol';
import { TypedError } from '../../../shared/ipc/result';
import { FIX_LINE_PREFIX } from '../../executor/phase-error';
import type { WorkLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import { shellQuote } from '../../host/shell-quote';
import { checkExecutorIdentity, type ExecutorIdentity, pushSecrets } from './executor-identity';
import { remoteLine } from './remote-line';

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
  if (parsed === undefined || (run.code !== 0 && run.code !== 1)) throw pushFailure(run.code, run.stderr, secrets);
  return { result: parsed, code: run.code };
}

/**
 * A push the executor refused or failed, from its exit code and stderr (`failureLines`): its
 * reason (the last line), and its own fix when the line before says one (e.g. "Wait for it to
 * finish…" for a push already running). Both are the machine's words, so each is cleaned by
 * {@link remoteLine} (the secrets the push was sent among what it replaces).
 */
export function pushFailure(code: number | null, stderr: string, secrets?: ExecutorSecrets): Error {
  const sent = secrets ? secretValues(secrets) : {};
  const lines = stderr.split(/\r?\n/).filter((line) => line.trim() !== '');
  const last = lines.at(-1) ?? '';
  const reasonSaid = last.startsWith(REASON_PREFIX);
  const why = remoteLine(reasonSaid ? last.slice(REASON_PREFIX.length) : last, sent).replace(/[.\s]+$/, '');
  const before = lines.at(-2);
  // A fix counts only in the executor's own order: the fix line, then the reason line.
  const fix =
    reasonSaid && before?.startsWith(FIX_LINE_PREFIX) ? remoteLine(before.slice(FIX_LINE_PREFIX.length), sent) : '';
  const message = `the push failed (exit ${code})${why ? `: ${why}` : ''}`;
  if (!fix) return new Error(message);
  return new TypedError('PRECONDITION_FAILED', `${message.charAt(0).toUpperCase()}${message.slice(1)}.`, { fix });
}

const REASON_PREFIX = 'traindeck-executor: ';

// What a push is sent, by name, for the redaction of what it answers.
function secretValues(secrets: ExecutorSecrets): Record<string, string> {
  const { sseKey, s3 } = pushSecrets(secrets);
  return {
    sseKey,
    ...(s3 ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : {}),
    ...(s3?.sessionToken ? { sessionToken: s3.sessionToken } : {}),
  };
}

function parseJson<T>(line: string): T | undefined {
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
