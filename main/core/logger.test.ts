import { describe, expect, it } from 'vitest';

import { createLogger } from './logger';

describe('logger', () => {
  it('redacts secret-looking fields and URL credentials in messages and string fields', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    log.warn('clone of https://x:ghp_SECRET3@github.com/a/b failed', {
      url: 'https://ghp_SECRET4@github.com/a/b',
      nested: { sseCKey: 'raw', note: 'see https://u:SECRET5@h/x' },
      token: 'SECRET6',
    });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({
      message: 'clone of https://***@github.com/a/b failed',
      url: 'https://***@github.com/a/b',
      nested: { sseCKey: '[redacted]', note: 'see https://***@h/x' },
      token: '[redacted]',
    });
    expect(lines[0]).not.toMatch(/SECRET/);
  });
});
