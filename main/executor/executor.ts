#!/usr/bin/env node
/**
 * The instance-side program, bundled to one file and uploaded by the desktop.
 *   --version                       what was uploaded
 *   start --work DIR [--on-instance] reads the secrets on stdin, starts `run` detached from the
 *                                    SSH session (own session, survives a disconnect), prints its pid
 *   run --work DIR [--on-instance]   the phases; secrets on stdin; SIGTERM = stop training and push
 *   push --work DIR                  pushes again (the desktop's verification asks for it)
 *   push --work DIR --folder NAME…   pushes those folders while the training runs (the user asks;
 *                                    files still being written are skipped); SIGTERM stops it
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { type ExecutorSpec, PUSH_NOW_FOLDERS, type PushNowFolder } from '../../shared/executor/protocol';
import { APP_VERSION } from '../core/version';
import { openRunStorage, push } from './data-sync';
import { failureLines } from './phase-error';
import { claimPushNow, pushNow } from './push-now';
import { runExecutor } from './run-executor';
import { readSecrets } from './secrets';
import { workLayout } from './work-layout';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version') {
    process.stdout.write(`${APP_VERSION}\n`);
    return 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      work: { type: 'string' },
      'on-instance': { type: 'boolean', default: false },
      folder: { type: 'string', multiple: true },
    },
  });
  if (!values.work || !['start', 'run', 'push'].includes(command ?? '')) {
    process.stderr.write('usage: executor.mjs --version | start|run|push --work DIR [--on-instance]\n');
    return 2;
  }
  const spec = JSON.parse(readFileSync(join(values.work, 'spec.json'), 'utf8')) as ExecutorSpec;
  const layout = workLayout(values.work, spec);
  const secrets = await readSecrets(process.stdin);
  if (command === 'start') {
    const err = openSync(layout.stderrFile, 'a');
    const args = [process.argv[1]!, 'run', '--work', values.work, ...(values['on-instance'] ? ['--on-instance'] : [])];
    // detached = setsid: no controlling terminal, not in the SSH session's process group, so a
    // dropped connection (SIGHUP to the session) does not reach it.
    const child = spawn(process.execPath, args, { detached: true, stdio: ['pipe', 'ignore', err], cwd: values.work });
    // Wait until the secrets are handed over: exiting first could drop a pending pipe write.
    await new Promise<void>((resolve) => child.stdin!.end(JSON.stringify(secrets), resolve));
    child.unref();
    writeFileSync(layout.pidFile, `${child.pid}\n`);
    // The desktop records the Node the bootstrap found (its re-push runs that one, never a path read
    // back from the work folder, which the training code can rewrite).
    process.stdout.write(JSON.stringify({ pid: child.pid, node: process.execPath }) + '\n');
    return 0;
  }
  if (command === 'push' && values.folder) {
    const folders = values.folder.map(pushNowFolder);
    const release = claimPushNow(layout);
    const stop = new AbortController();
    // The final push stops a push during training before it starts (stopPushNow).
    process.on('SIGTERM', () => stop.abort(new Error('stopped: the run is ending and its final push takes over')));
    try {
      const result = await pushNow(openRunStorage(spec, secrets, layout.dataDir), folders, {
        signal: AbortSignal.any([stop.signal, AbortSignal.timeout(60 * 60_000)]),
      });
      process.stdout.write(JSON.stringify(result) + '\n');
      return result.failures.length ? 1 : 0;
    } finally {
      release();
    }
  }
  if (command === 'push') {
    const result = await push(openRunStorage(spec, secrets, layout.dataDir), AbortSignal.timeout(60 * 60_000));
    process.stdout.write(JSON.stringify(result) + '\n');
    return result.failures ? 1 : 0;
  }
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  process.on('SIGINT', () => stop.abort());
  // A dropped session must not end the run even if a SIGHUP does arrive.
  process.on('SIGHUP', () => {});
  const status = await runExecutor({
    workDir: values.work,
    spec,
    secrets,
    onInstance: values['on-instance'],
    stopSignal: stop.signal,
    ...(spec.imdsBase ? { imdsBase: spec.imdsBase } : {}),
  });
  return status.outcome === 'succeeded' ? 0 : 1;
}

function pushNowFolder(name: string): PushNowFolder {
  if ((PUSH_NOW_FOLDERS as readonly string[]).includes(name)) return name as PushNowFolder;
  throw new Error(`--folder ${name} is not one of ${PUSH_NOW_FOLDERS.join(', ')}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(failureLines(error));
    process.exit(1);
  },
);
