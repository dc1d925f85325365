/**
 * Replaces the secret env values in the training's output with «redacted NAME» before a line
 * reaches train.log or the live bar (and so the desktop's logs, events and the report). A value
 * of several lines (a PEM key) is matched whole and line by line, since the log is cut into lines
 * (at `\r` too); a line shorter than 8 characters is not matched alone, or every `}` would go.
 */
export class SecretRedactor {
  private readonly needles: Array<{ text: string; marker: string }>;
  /** The longest needle: an occurrence can only be cut if it starts within this many characters of the end. */
  readonly longest: number;

  constructor(secrets: Record<string, string>) {
    const needles = Object.entries(secrets).flatMap(([name, value]) => {
      const marker = `«redacted ${name}»`;
      // Cut where TrainOutput cuts (\n, \r\n, and a lone \r, which it reads as a redraw).
      const lines = /[\r\n]/.test(value) ? value.split(/\r\n|\r|\n/).filter((line) => line.trim().length >= 8) : [];
      return [value, ...lines].filter((text) => text.length > 0).map((text) => ({ text, marker }));
    });
    // Longest first: a value that contains another is replaced whole, under its own name.
    this.needles = needles.sort((a, b) => b.text.length - a.text.length);
    this.longest = this.needles[0]?.text.length ?? 0;
  }

  /** True when there is nothing to redact (the common case: no secret env). */
  get empty(): boolean {
    return this.needles.length === 0;
  }

  redact(text: string): string {
    let out = text;
    for (const needle of this.needles) if (out.includes(needle.text)) out = out.replaceAll(needle.text, needle.marker);
    return out;
  }

  /**
   * Where a text that is still growing may be cut so that no occurrence spans the cut: once the
   * complete occurrences are redacted, only one that runs past the end can, and it starts in the
   * last `longest - 1` characters.
   */
  safeCut(redactedLength: number, wanted: number): number {
    return Math.max(1, Math.min(wanted, redactedLength - (this.longest - 1)));
  }
}
