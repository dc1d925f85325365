/**
 * Joins message parts into sentences: each part ends with exactly one full stop (or its own
 * `?`/`!`/`:`), so a part that already ends with one never yields "found.. Nothing". Empty
 * parts are skipped.
 */
export function joinSentences(...parts: Array<string | undefined | false>): string {
  return parts
    .map((part) => (part || '').trim())
    .filter((part) => part.length > 0)
    .map(asSentence)
    .join(' ');
}

/** One part as a sentence: trailing full stops collapsed to one, added when missing. */
export function asSentence(part: string): string {
  const trimmed = part.trim().replace(/\.+$/, '');
  if (/[?!:]$/.test(trimmed)) return trimmed;
  return `${trimmed}.`;
}

/** True when a text holds a doubled full stop (an ellipsis "…" or "..." in a quoted path aside). */
export function hasDoubledPeriod(text: string): boolean {
  return /(?<!\.)\.\.(?!\.)/.test(text);
}

/** `part` to continue a sentence: an ordinary first word in lower case; "AWS …", "EC2 …", "IAM …" keep their capitals. */
export function continuingSentence(part: string): string {
  return /^[A-Z][a-z]/.test(part) ? part.charAt(0).toLowerCase() + part.slice(1) : part;
}
