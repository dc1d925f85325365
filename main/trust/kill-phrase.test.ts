import { describe, expect, it } from 'vitest';

import { KILL_PHRASE_TTL_MS, KillPhrases } from './kill-phrase';

describe('KillPhrases: a phrase the page cannot compute, used once', () => {
  it('works once, for exactly the ids it was issued for, until it expires', () => {
    let now = 0;
    const phrases = new KillPhrases(() => now);
    const phrase = phrases.issue(['i-b', 'i-a']);
    expect(phrase).toMatch(/^delete 2 untracked [a-z]+-\d\d$/);
    expect(phrases.consume(` ${phrase} `, ['i-a', 'i-b'])).toBe(true);
    expect(phrases.consume(phrase, ['i-a', 'i-b'])).toBe(false);

    expect(phrases.consume(phrases.issue(['i-a', 'i-b']), ['i-a', 'i-b', 'i-c'])).toBe(false);
    const late = phrases.issue(['i-a']);
    now += KILL_PHRASE_TTL_MS + 1;
    expect(phrases.consume(late, ['i-a'])).toBe(false);
  });

  it('a wrong guess spends the phrase: the page gets one try per phrase shown to the user', () => {
    const phrases = new KillPhrases();
    const phrase = phrases.issue(['i-a']);
    expect(phrases.consume('delete 1 untracked maple-10', ['i-a'])).toBe(phrase === 'delete 1 untracked maple-10');
    expect(phrases.consume(phrase, ['i-a'])).toBe(false);
  });
});
