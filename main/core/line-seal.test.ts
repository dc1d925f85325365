import { describe, expect, it } from 'vitest';

import { lineKeyOf, lineSealed, sealLine } from './line-seal';

// Invariant: only a holder of the key can make a seal the desktop accepts, and a seal fits only the
// line (run, seq, time, phase, status, reason, fix) it was made for.
const line = {
  seq: 7,
  at: '2026-12-06T06:00:00.000Z',
  phase: 'done',
  status: 'info',
  reason: 'notified the webhook: x',
};

const SSE = Buffer.alloc(32, 3).toString('base64');
const keyOf = (attempt = 1, sse = SSE) => lineKeyOf(sse, 'run-1', attempt);

describe('executor line key', () => {
  it('is 32 bytes, the same for the same run and attempt, another for another attempt, run or SSE-C key', () => {
    expect(Buffer.from(keyOf(), 'base64')).toHaveLength(32);
    expect(keyOf()).toBe(keyOf());
    expect(
      new Set([keyOf(), keyOf(2), lineKeyOf(SSE, 'run-2', 1), keyOf(1, Buffer.alloc(32, 4).toString('base64'))]).size,
    ).toBe(4);
    expect(keyOf()).not.toBe(SSE);
  });
});

describe('executor line seal', () => {
  it('accepts the seal of the line it was made for', () => {
    const key = keyOf();
    expect(lineSealed(key, 'run-1', line, sealLine(key, 'run-1', line))).toBe(true);
  });

  it('refuses another key, run, field, a missing or malformed seal', () => {
    const key = keyOf();
    const seal = sealLine(key, 'run-1', line);
    expect(lineSealed(keyOf(2), 'run-1', line, seal)).toBe(false);
    expect(lineSealed(key, 'run-2', line, seal)).toBe(false);
    for (const changed of [
      { ...line, seq: 8 },
      { ...line, at: '2026-12-06T06:00:01.000Z' },
      { ...line, phase: 'training' },
      { ...line, status: 'succeeded' },
      { ...line, reason: 'notified the webhook: y' },
      { ...line, fix: 'z' },
    ]) {
      expect(lineSealed(key, 'run-1', changed, seal)).toBe(false);
    }
    for (const bad of [undefined, '', 'c2VhbA', 42, seal.slice(1), `${seal}A`]) {
      expect(lineSealed(key, 'run-1', line, bad)).toBe(false);
    }
  });
});
