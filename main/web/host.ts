#!/usr/bin/env node
/**
 * `npm run start:web`: the browser host. Builds the same core as the desktop app and
 * serves the renderer plus the contract on 127.0.0.1 with a per-launch token.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundlePaths } from '../core/bundle-paths';
import { createCore } from '../core/create-core';
import { createLogger } from '../core/logger';
import { startWebHost } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, json: { type: 'boolean', default: false }, renderer: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535 (got "${values.port}")`);
  const paths = bundlePaths(import.meta.url);
  const rendererDir = values.renderer ?? paths.rendererDir;
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`no built renderer in ${rendererDir}: run \`npm run build\` first`);

  const log = createLogger({ name: 'web-host' });
  // Only the authenticated WebSocket reaches the router; the token check happened at upgrade.
  const core = createCore({ transport: 'web', isTrusted: (sender) => sender.transport === 'web' && sender.authenticated, log, projectRoot: paths.projectRoot });
  const host = await startWebHost({ core, rendererDir, log, port });

  if (values.json) {
    process.stdout.write(JSON.stringify({ event: 'ready', url: host.url, port: host.port, pid: process.pid }) + '\n');
  } else {
    process.stdout.write(
      `\nTrainDeck ${core.info.version} is running in browser mode.\n\n  Open: ${host.url}\n\n` +
        'Only this machine can connect, and only with this link: its token is new at every launch.\nPress Ctrl+C to stop.\n',
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

main().catch((error: unknown) => {
  process.stderr.write(`traindeck web host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
