/**
 * Credentials in URLs (`https://user:token@host/…`) leak into process arguments, `.git/config`, logs,
 * run events and reports. The run config refuses them; this redacts any that still reach text we keep
 * or show (a git error quoting a submodule's URL, a training script printing its own).
 */

// A scheme, `://`, then userinfo up to the last `@` before the host: no `/`, `?`, `#` or whitespace
// inside (RFC 3986), bounded so a long line costs linear time.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/?#@]{1,512})@/gi;

/**
 * The text with the userinfo of every URL replaced by `***` (`https://***@github.com/…`). An ssh URL's
 * bare user name (`ssh://git@host/…`) is a login, not a secret, and stays.
 */
export function redactUrlUserinfo(text: string): string {
  if (!text.includes('@')) return text; // the cheap common case: most lines have no `@` at all
  return text.replace(URL_USERINFO, (whole, scheme: string, userinfo: string) =>
    scheme.toLowerCase() === 'ssh://' && !userinfo.includes(':') ? whole : `${scheme}***@`,
  );
}

/** Whether an http(s) URL carries userinfo (a user name, a token or a password). */
export function hasUrlUserinfo(url: string): boolean {
  return /^https?:\/\/[^\s/?#@]*@/i.test(url);
}

/** A copy of a JSON-like value with every string redacted (objects and arrays walked, other values kept). */
export function redactStrings<T>(value: T): T {
  if (typeof value === 'string') return redactUrlUserinfo(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactStrings(item);
    return out as T;
  }
  return value;
}
