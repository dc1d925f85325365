import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { appendAttach, readAttach } from './attach-journal';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const runDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'traindeck-attach-'));
  dirs.push(dir);
  return dir;
};

describe('attach journal', () => {
  it('folds to the last of each kind; a later owner replaces the first; a torn last line is ignored', () => {
    const dir = runDir();
    expect(readAttach(dir)).toBeUndefined();
    const storage = { bucket: 'b', prefix: 'p', sseKeyFile: '/k', localRoot: 'data', folders: [] };
    appendAttach(dir, {
      type: 'run',
      pid: 11,
      backend: 'ssh-host',
      name: 'n',
      aws: { region: 'eu-west-1' },
      storage,
      baseDir: '/',
    });
    appendAttach(dir, { type: 'executor', pid: 42 });
    appendAttach(dir, { type: 'offsets', events: 10, train: 20, sync: 0 });
    appendAttach(dir, { type: 'offsets', events: 30, train: 40, sync: 5 });
    appendAttach(dir, { type: 'owner', pid: 12 });
    appendFileSync(join(dir, 'attach.jsonl'), '{"type":"offsets","events":99');
    const state = readAttach(dir)!;
    expect(state.owner).toBe(12);
    expect(state.executor?.pid).toBe(42);
    expect(state.offsets).toEqual({ events: 30, train: 40, sync: 5 });
    expect(state.machine).toBeUndefined();
  });
});
