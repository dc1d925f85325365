import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { openLogFile } from './log-file';

describe("main's log file", () => {
  it('appends one line per entry, private to the user, across launches', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'traindeck-logs-')), 'logs');
    const first = openLogFile(dir);
    first.write('{"message":"one"}');
    first.close();
    const second = openLogFile(dir);
    second.write('{"message":"two"}\n');
    second.close();
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toBe('{"message":"one"}\n{"message":"two"}\n');
    expect(statSync(join(dir, 'main.log')).mode & 0o077).toBe(0);
  });

  it('rolls over past its size, keeping at most two files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindeck-logs-'));
    const log = openLogFile(dir, 100);
    for (let i = 0; i < 50; i++) log.write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(20)}`);
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.log']);
    for (const name of ['main.log', 'main.1.log']) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(100);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 49');
  });

  it('drops lines after close instead of throwing', () => {
    const log = openLogFile(mkdtempSync(join(tmpdir(), 'traindeck-logs-')));
    log.close();
    expect(() => log.write('late')).not.toThrow();
  });
});
