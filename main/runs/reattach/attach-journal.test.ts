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

  it('a later machine (a spot relaunch) clears the executor and offsets of the machine before it', () => {
    const dir = runDir();
    const machine = (id: string) =>
      appendAttach(dir, {
        type: 'machine',
        target: { kind: 'local' },
        workDir: '/w',
        storage: { bucket: 'b', prefix: 'p', region: 'eu-west-1', folders: [] },
        sendS3Credentials: false,
        deadline: 1,
        aws: { instanceId: id, region: 'eu-west-1', instanceType: 'g5.xlarge', diskGb: 100, spot: true, launchedAt: 0 },
      });
    machine('i-1');
    appendAttach(dir, { type: 'executor', pid: 42 });
    appendAttach(dir, { type: 'offsets', events: 30, train: 40, sync: 5 });
    machine('i-2');
    const state = readAttach(dir)!;
    expect(state.machine?.aws?.instanceId).toBe('i-2');
    expect(state.executor).toBeUndefined();
    expect(state.offsets).toBeUndefined();
  });

  it('a relaunch decided after the last machine means between attempts; the next machine ends that', () => {
    const dir = runDir();
    const machine = () =>
      appendAttach(dir, {
        type: 'machine',
        target: { kind: 'local' },
        workDir: '/w',
        storage: { bucket: 'b', prefix: 'p', region: 'eu-west-1', folders: [] },
        sendS3Credentials: false,
        deadline: 1,
      });
    machine();
    appendAttach(dir, { type: 'relaunch', attempt: 2, market: 'spot', reason: 'spot relaunch 1 of 2' });
    expect(readAttach(dir)!.relaunch).toMatchObject({ attempt: 2, market: 'spot' });
    machine();
    expect(readAttach(dir)!.relaunch).toBeUndefined();
  });
});
