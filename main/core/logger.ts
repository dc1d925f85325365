import { redactUrlUserinfo } from '../../shared/security/redact-url';

/** Structured, leveled logging. Secrets must never be passed in; see redact(). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are always replaced, in case a caller slips. */
const SECRET_FIELD = /secret|password|token|private|credential|sse.?c.?key|session.?key/i;

/** Replaces the values of secret-looking fields and URL credentials in strings, recursively. */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) out[key] = '[redacted]';
    else if (typeof value === 'string') out[key] = redactUrlUserinfo(value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = redact(value as Record<string, unknown>);
    } else out[key] = value;
  }
  return out;
}

/** A logger that writes one JSON line per entry to `write` (stderr by default). */
export function createLogger(options: { level?: Level; write?: (line: string) => void; name?: string } = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < min) return;
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level,
          ...(options.name ? { name: options.name } : {}),
          message: redactUrlUserinfo(message),
          ...redact(fields),
        }),
      );
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that drops everything (tests, quiet CLI paths). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
