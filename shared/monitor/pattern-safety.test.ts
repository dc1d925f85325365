import { describe, expect, it } from 'vitest';

import { BUILT_IN_PATTERN_SOURCES, compilePatterns, METRIC, parseLogLine } from './log-patterns';
import { USER_PATTERN_MAX_CHARS } from './user-pattern';

/**
 * The unbounded quantifiers of a regex source (`+`, `*`, `{n,}`), outside character classes and escapes.
 * A pattern with none of them does work bounded by a constant per start position.
 */
function unboundedQuantifiers(source: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '+' || c === '*') found.push(`${c} at ${i}`);
    else if (c === '{') {
      const open = /^\{\d+,\}/.exec(source.slice(i));
      if (open) found.push(`${open[0]} at ${i}`);
    }
  }
  return found;
}

describe('log pattern safety: main parses every log line, so no line may stall it', () => {
  it('the scanner itself finds unbounded quantifiers (so the next test can fail)', () => {
    expect(unboundedQuantifiers(String.raw`(?<step>\d+)\/x`)).toEqual(['+ at 10']);
    expect(unboundedQuantifiers(String.raw`a{2,}b*[+*]\+`)).toEqual(['{2,} at 1', '* at 6']);
  });

  it('every built-in pattern and the metric pattern use bounded quantifiers only', () => {
    for (const regex of [...BUILT_IN_PATTERN_SOURCES, METRIC]) {
      expect(unboundedQuantifiers(regex.source), regex.source).toEqual([]);
    }
  });

  it('built-in patterns still read long lines right (bounds do not cut real progress)', () => {
    const noise = '7'.repeat(16 * 1024);
    expect(parseLogLine(`${noise} 450/1000 [01:23<01:42, 5.37it/s]`)).toMatchObject({ step: 450, totalSteps: 1000 });
    expect(parseLogLine(`epoch    3 /   10 ${noise}`)).toMatchObject({ epoch: 3, totalEpochs: 10 });
    expect(parseLogLine(`global_step=123456789012 ${'x'.repeat(16 * 1024)}`)).toMatchObject({ step: 123456789012 });
  });

  it('a catastrophic user pattern runs in linear time on RE2 (a JS RegExp would never return)', () => {
    // `(a+)+$` on "aaaa…!" backtracks 2^n times in a backtracking engine; RE2 answers at once.
    const { patterns, errors } = compilePatterns(['(a+)+$', '(?<step>(\\d+)+)x']);
    expect(errors).toEqual([]);
    const hostile = 'a'.repeat(3000) + '!';
    expect(patterns[0]!.match(hostile)).toBeUndefined();
    expect(patterns[1]!.match('1'.repeat(3000) + '!')).toBeUndefined();
    expect(patterns[1]!.match('step 42x')).toEqual({ step: '42' });
  });

  it('user patterns search only the first USER_PATTERN_MAX_CHARS characters of a line', () => {
    const { patterns } = compilePatterns(['iter (?<step>\\d+)']);
    expect(patterns[0]!.match(`iter 5 ${'x'.repeat(USER_PATTERN_MAX_CHARS)}`)).toEqual({ step: '5' });
    expect(patterns[0]!.match(`${'x'.repeat(USER_PATTERN_MAX_CHARS)} iter 5`)).toBeUndefined();
  });

  it('backreferences and lookaround are refused with the reason and the fix, not run', () => {
    const { patterns, errors } = compilePatterns(['(a)\\1', 'x(?=y)', '(unclosed']);
    expect(patterns).toEqual([]);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toMatch(/not a valid regular expression \(.+\); patterns use RE2 syntax/);
  });

  it('the short group names `total` and `epochs` fill totalSteps and totalEpochs', () => {
    const { patterns } = compilePatterns([
      'iter (?<step>\\d+) of (?<total>\\d+)',
      'round (?<epoch>\\d+)/(?<epochs>\\d+)',
    ]);
    expect(parseLogLine('iter 12 of 100', { patterns })).toEqual({ step: 12, totalSteps: 100 });
    expect(parseLogLine('round 2/8', { patterns })).toEqual({ epoch: 2, totalEpochs: 8 });
  });
});
