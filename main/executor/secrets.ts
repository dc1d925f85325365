import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import type { ExecutorSecrets } from '../../shared/executor/protocol';
import { processAlive as alive } from '../core/process-identity';
import { PhaseError } from './phase-error';

// Keys and credentials take a few KiB; the secret env files up to 32 × 8 KiB (secret-env-names.ts).
const MAX_SECRETS_BYTES = 512 * 1024;

/** Reads the secrets document from stdin (the SSH channel); bounded in size and time. */
export async function readSecrets(stdin: NodeJS.ReadableStream, timeoutMs = 30_000): Promise<ExecutorSecrets> {
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new PhaseError('no secrets arrived on stdin in time')), timeoutMs);
    stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SECRETS_BYTES) reject(new PhaseError('the secrets document is too large'));
      chunks.push(chunk);
    });
    stdin.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    stdin.on('error', reject);
  });
  const raw = Buffer.concat(chunks);
  const parsed = JSON.parse(raw.toString('utf8')) as ExecutorSecrets;
  // The bytes as they came are no longer needed: zeroed, so only the parsed document holds the secrets.
  raw.fill(0);
  for (const chunk of chunks) chunk.fill(0);
  if (typeof parsed.sseKey !== 'string' || Buffer.from(parsed.sseKey, 'base64').length !== 32) {
    throw new PhaseError('the SSE-C key sent on stdin is not 32 bytes');
  }
  return parsed;
}

/**
 * A folder in RAM for the files git's ssh must read (deploy key, known_hosts): /dev/shm is a
 * tmpfs, so the key never reaches the EBS volume. Without /dev/shm (macOS, local runs) the
 * caller's fallback folder is used, still 0700/0600, and removed at the end.
 */
export function createRamFolder(runId: string, fallbackParent: string): { dir: string; remove(): void } {
  const parent = existsSync('/dev/shm') ? '/dev/shm' : fallbackParent;
  if (parent === '/dev/shm') removeStaleRamFolders(parent);
  const dir = join(parent, `traindeck-${runId}-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a secret file readable by its owner only (ssh wants a key file to end with a newline). */
export function writeSecretFile(path: string, content: string | Buffer): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeFileSync(path, bytes, { mode: 0o600 });
  if (bytes[bytes.length - 1] !== 0x0a) appendFileSync(path, '\n');
  chmodSync(path, 0o600);
}

/**
 * Removes the RAM folders earlier executors of this user left (killed before their cleanup ran),
 * which may still hold a deploy key: only `traindeck-<run>-<pid>` folders (not symlinks) owned
 * by this uid whose executor pid no longer runs. Another user's folder, or a live run's, is left.
 */
export function removeStaleRamFolders(parent: string, uid = process.getuid?.()): string[] {
  const removed: string[] = [];
  for (const name of safeReaddir(parent)) {
    const match = /^traindeck-.+-(\d+)$/.exec(name);
    if (!match || Number(match[1]) === process.pid) continue;
    const path = join(parent, name);
    const info = lstatOrUndefined(path);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid) || alive(Number(match[1]))) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
