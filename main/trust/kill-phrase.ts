import { randomInt } from 'node:crypto';

import { untrackedPhrase } from '../../shared/domain/kill-all';

/** Plain, unambiguous words: read on a dialog or a terminal and typed in the window. */
const WORDS = [
  'amber',
  'basil',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'garnet',
  'harbor',
  'indigo',
  'juniper',
  'kelp',
  'lantern',
  'maple',
  'nectar',
  'orchid',
  'pepper',
  'quartz',
  'raven',
  'saffron',
  'timber',
  'umber',
  'velvet',
  'willow',
  'yarrow',
  'zephyr',
  'anchor',
  'bramble',
  'copper',
  'dune',
  'falcon',
  'glacier',
  'heron',
  'iris',
  'jasper',
  'lagoon',
  'meadow',
  'nutmeg',
  'oyster',
  'pebble',
  'quill',
  'ripple',
  'spruce',
  'thistle',
  'walnut',
  'cobalt',
  'marble',
  'sorrel',
  'tundra',
];

/** How long a shown phrase stays valid: long enough to read and type, short enough not to linger. */
export const KILL_PHRASE_TTL_MS = 5 * 60_000;

/**
 * The kill-all phrase for untracked resources, which the page cannot compute: the count plus a
 * random word that main shows only through the trust gate (a native dialog, the host's terminal).
 * One phrase per set of resources, used once, valid for {@link KILL_PHRASE_TTL_MS}.
 */
export class KillPhrases {
  private pending: { phrase: string; ids: string; expiresAt: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** A new phrase for exactly these untracked resource ids (replaces any earlier one). */
  issue(untrackedIds: readonly string[]): string {
    // A word and two digits: one guess in about 4,300 per phrase shown, and a guess spends it.
    const word = `${WORDS[randomInt(WORDS.length)] ?? 'maple'}-${randomInt(10, 100)}`;
    const phrase = `${untrackedPhrase(untrackedIds.length)} ${word}`;
    this.pending = { phrase, ids: key(untrackedIds), expiresAt: this.now() + KILL_PHRASE_TTL_MS };
    return phrase;
  }

  /** True once when `typed` is the phrase issued for exactly these ids, still valid; the phrase is then spent. */
  consume(typed: string | undefined, untrackedIds: readonly string[]): boolean {
    const pending = this.pending;
    if (!pending || typed === undefined) return false;
    const matches =
      typed.trim() === pending.phrase && key(untrackedIds) === pending.ids && this.now() <= pending.expiresAt;
    // A wrong guess spends the phrase too: the page gets one try per phrase the user was shown.
    this.pending = undefined;
    return matches;
  }
}

function key(ids: readonly string[]): string {
  return JSON.stringify([...new Set(ids)].sort());
}
