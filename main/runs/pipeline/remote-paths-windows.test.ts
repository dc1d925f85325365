/**
 * Remote paths on a Windows desktop: node:path is swapped for its win32 flavour here, as it is
 * on Windows. Every path the desktop sends to the training machine must still be POSIX, and the
 * lint rule that holds remote-path code to node:path/posix must stay in force.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type * as NodePath from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it, vi } from 'vitest';

import type { ExecutorSecrets, ExecutorSpec } from '../../../shared/executor/protocol';
import { workLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import { startExecutor } from './start-executor';

vi.mock('node:path', async () => {
  const real = await vi.importActual<typeof NodePath>('node:path');
  return { ...real.win32, default: real.win32, posix: real.posix, win32: real.win32 };
});

const spec = {
  runId: 'run-1',
  ttlSeconds: 3600,
  storage: { folders: [{ name: 'logs', local: 'logs', policy: 'local-wins' }] },
} as unknown as ExecutorSpec;

describe('remote paths built on a Windows desktop', () => {
  it('the work layout is POSIX', () => {
    const layout = workLayout('/home/ubuntu/traindeck/run-1', spec);
    expect(JSON.stringify(layout)).not.toContain('\\\\');
    expect(layout.trainLog).toMatch(/^\/home\/ubuntu\/traindeck\/run-1\/data\/logs\/(run-1\/)?train\.log$/);
  });

  it('starting the executor writes and runs only POSIX paths', async () => {
    // The bundle folder is local: a real one (win32 join would not matter to Node's fs on Windows).
    const bundleDir = mkdtempSync(`${tmpdir()}/traindeck-bundle-`);
    writeFileSync(`${bundleDir}/executor.mjs`, '');
    writeFileSync(`${bundleDir}/bootstrap.sh`, '');
    const paths: string[] = [];
    const commands: string[] = [];
    const host: RemoteHost = {
      exec: async (command) => {
        commands.push(command);
        return { code: 0, stdout: '{"pid": 42, "node": "/usr/bin/node"}', stderr: '' };
      },
      writeFile: async (path) => void paths.push(path),
      read: async () => undefined,
      close: async () => undefined,
    };
    const layout = workLayout('/home/ubuntu/traindeck/run-1', spec);
    await startExecutor(host, {
      layout,
      bundleDir,
      spec,
      secrets: {} as ExecutorSecrets,
      uploads: [{ path: 'overrides/0', data: Buffer.from('x') }],
      onInstance: false,
      signal: new AbortController().signal,
    });
    expect(paths).toContain('/home/ubuntu/traindeck/run-1/overrides/0');
    for (const text of [...paths, ...commands]) expect(text).not.toContain('\\');
  });

  it('the lint rule refuses node:path in remote-path code and allows node:path/posix', async () => {
    const eslint = new ESLint();
    const lint = async (code: string, filePath: string) =>
      (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => m.ruleId) ?? [];
    const importing = (from: string) => `import { join } from '${from}';\nexport const p = join('a', 'b');\n`;
    for (const file of ['main/executor/work-layout.ts', 'main/runs/pipeline/start-executor.ts']) {
      expect(await lint(importing('node:path'), file), file).toContain('no-restricted-imports');
      expect(await lint('import path from "node:path";\nexport const p = path.join("a");\n', file)).toContain(
        'no-restricted-imports',
      );
      expect(await lint(importing('node:path/posix'), file), file).toEqual([]);
    }
    // Local code may keep node:path.
    expect(await lint(importing('node:path'), 'main/runs/backends/local-backend.ts')).toEqual([]);
  });
});
