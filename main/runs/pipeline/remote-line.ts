import { redactUrlUserinfo } from '../../../shared/security/redact-url';
import { SecretRedactor } from '../../executor/secret-redactor';

/** The most a line from the machine may take on the page or in the log (a whole log pasted in one line would not). */
export const REMOTE_LINE_MAX_CHARS = 300;

// Control and format characters (ANSI escapes, \r redraws, bidi overrides, zero-width joiners), lone
// surrogates and line/paragraph separators: nothing a sentence needs, and each can fake or hide text.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
// Shaped like a secret whatever the machine holds: an AWS access key id, a PEM private key's armour.
const SECRET_SHAPED = [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, /-----(?:BEGIN|END)[A-Z ]*PRIVATE KEY-----/g];

/**
 * A line the machine wrote (the machine is not trusted: whoever is root on it writes what they like)
 * as the desktop may show or log it: invisible characters removed first (so none can hide inside a
 * secret), every secret the desktop sent it and anything shaped like a key replaced, URL credentials
 * hidden, at most {@link REMOTE_LINE_MAX_CHARS} characters.
 */
export function remoteLine(text: string, secrets: Readonly<Record<string, string>> = {}): string {
  let line = new SecretRedactor(secrets).redact(text.replace(INVISIBLE, '').trim());
  for (const shape of SECRET_SHAPED) line = line.replace(shape, '«redacted»');
  line = redactUrlUserinfo(line);
  // Cut by code points: a cut inside a surrogate pair would leave half a character.
  const chars = Array.from(line);
  return chars.length > REMOTE_LINE_MAX_CHARS ? `${chars.slice(0, REMOTE_LINE_MAX_CHARS - 1).join('')}…` : line;
}
