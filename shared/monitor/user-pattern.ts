import { RE2JS } from 're2js';

/**
 * User patterns (from the run config) run on RE2 (the re2js port): matching time is linear in the
 * line's length whatever the pattern says, so a pattern such as `(a+)+$` cannot stall main. RE2 has no
 * backreferences or lookaround; such a pattern is refused when the config is read, with the reason.
 */

/** Only the start of a very long line is searched: progress text is short, and it bounds the work per line. */
export const USER_PATTERN_MAX_CHARS = 4096;

/** A user's progress pattern compiled for linear-time matching. */
export interface CompiledUserPattern {
  /** The named groups' values where the pattern matches, or undefined. */
  match(line: string): Record<string, string> | undefined;
}

/** Compiles a pattern case-insensitively with RE2; throws with RE2's reason for a syntax it refuses. */
export function compileUserPattern(source: string): CompiledUserPattern {
  const pattern = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  const names = Object.keys(pattern.namedGroups());
  return {
    match(line) {
      const matcher = pattern.matcher(
        line.length > USER_PATTERN_MAX_CHARS ? line.slice(0, USER_PATTERN_MAX_CHARS) : line,
      );
      if (!matcher.find()) return undefined;
      const groups: Record<string, string> = {};
      for (const name of names) {
        const value = matcher.group(name);
        if (value !== null) groups[name] = value;
      }
      return groups;
    },
  };
}

/** Why RE2 refuses a pattern (one phrase, for a field error), or undefined when it compiles. */
export function userPatternError(source: string): string | undefined {
  try {
    compileUserPattern(source);
    return undefined;
  } catch (error) {
    return describeRefusal(error);
  }
}

/** RE2's reason in a phrase that names the fix: RE2 has no backreferences or lookaround. */
export function describeRefusal(error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, '');
  return `not a valid regular expression (${reason}); patterns use RE2 syntax, without backreferences or lookaround`;
}
