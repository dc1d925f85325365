/**
 * A name as it can be shown on a terminal or in a sentence: control characters, backslashes
 * and lone surrogates escaped JSON-style, everything else as is. Object keys come from anyone
 * with write access to the bucket; printed raw, a key could move the cursor or fake output.
 */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return name.replace(/[\u0000-\u001f\u007f-\u009f\\]|\p{Cs}/gu, (c) =>
    c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
