#!/usr/bin/env node
/**
 * `npm run start:web`: the browser host. Builds the same core as the desktop app and
 * serves the renderer plus the contract on 127.0.0.1 with a per-launch token, or with the
 * token kept in `--token-file` (so an open page reconnects after a restart on the same port).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { sshHostSchema } from '../../shared/run-config/ssh-host-section';
import { createCore } from '../composition/create-core';
import { appDataDir } from '../core/app-paths';
import { bundlePaths } from '../core/bundle-paths';
import { createLogger } from '../core/logger';
import { pathAllowlist } from '../trust/path-allowlist';
import { browserTrustGate } from './browser-trust';
import { startWebHost } from './server';
import { processTerminal } from './terminal-prompt';
import { loadOrCreateTokenFile } from './token-file';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
      renderer: { type: 'string' },
      'token-file': { type: 'string' },
      'allow-dir': { type: 'string', multiple: true, default: [] },
      'allow-host': { type: 'string', multiple: true, default: [] },
      'allow-local-runs': { type: 'boolean', default: false },
      'allow-store-credentials': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (got "${values.port}")`);
  }
  const paths = bundlePaths(import.meta.url);
  const rendererDir = values.renderer ?? paths.rendererDir;
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`no built renderer in ${rendererDir}: run \`npm run build\` first`);
  }

  const named = values['token-file'] ?? (process.env.TRAINDECK_WEB_TOKEN_FILE || undefined);
  // npm runs scripts in the project folder; a relative path means the folder the user typed it in.
  const tokenFile = named ? resolve(process.env.INIT_CWD ?? process.cwd(), named) : undefined;
  const kept = tokenFile ? loadOrCreateTokenFile(tokenFile) : undefined;

  const log = createLogger({ name: 'web-host' });
  const startedIn = process.env.INIT_CWD ?? process.cwd();
  const allowedHosts = values['allow-host'];
  for (const address of allowedHosts) {
    if (!sshHostSchema.shape.address.safeParse(address).success) {
      throw new Error(`--allow-host takes user@host or user@host:port (got "${address}")`);
    }
  }
  // The window is untrusted: what it may do here is decided by these flags and this terminal.
  const allowedFolders = pathAllowlist([
    appDataDir(),
    startedIn,
    ...values['allow-dir'].map((dir) => resolve(startedIn, dir)),
  ]);
  const trust = browserTrustGate({
    paths: allowedFolders,
    allowLocalRuns: values['allow-local-runs'],
    allowedHosts,
    allowStoreCredentials: values['allow-store-credentials'],
    terminal: processTerminal(),
    log,
  });
  // Only the authenticated WebSocket reaches the router; the token check happened at upgrade.
  const core = createCore({
    trust,
    transport: 'web',
    isTrusted: (sender) => sender.transport === 'web' && sender.authenticated,
    log,
    projectRoot: paths.projectRoot,
  });
  const host = await startWebHost({ core, rendererDir, log, port, ...(kept ? { token: kept.token } : {}) });
  if (tokenFile) log.info('access token kept in a file', { tokenFile, created: kept?.created });

  if (values.json) {
    process.stdout.write(JSON.stringify({ event: 'ready', url: host.url, port: host.port, pid: process.pid }) + '\n');
  } else {
    process.stdout.write(
      `\nTrainDeck ${core.info.version} is running in browser mode.\n\n  Open: ${host.url}\n\n` +
        tokenNote(tokenFile, port) +
        `\nThe page reads and writes files only under: ${allowedFolders.roots.join(', ')} (--allow-dir adds one).` +
        `\nLocal runs: ${values['allow-local-runs'] ? 'on (--allow-local-runs)' : 'off (--allow-local-runs turns them on)'}.` +
        `\nSSH hosts: ${allowedHosts.length ? allowedHosts.join(', ') : 'none given'}; others are asked here.\n` +
        '\nPress Ctrl+C to stop.\n',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping browser host', { signal });
    await host.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Says how long the link lives, and warns when a kept token cannot help an open page (random port). */
function tokenNote(tokenFile: string | undefined, port: number): string {
  if (!tokenFile) return 'Only this machine can connect, and only with this link: its token is new at every launch.';
  const lasting = `Only this machine can connect, with this link. Its token is kept in ${tokenFile}, so the link\nstill works after a restart; anyone who can read that file can connect.`;
  return port === 0 ? `${lasting}\nAdd --port N too: an open page reconnects only to the same port.` : lasting;
}

main().catch((error: unknown) => {
  process.stderr.write(`traindeck web host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
