import { rmSync } from 'node:fs';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { COMMAND_NAMES } from '../../shared/ipc/contract';
import { TypedError } from '../../shared/ipc/result';
import { VALID_REQUESTS } from '../../shared/ipc/testing/valid-requests';
import { type Logger, silentLogger } from '../core/logger';
import { createRouter, type Handlers, type Sender } from '../core/router';
import { yesTrustGate } from '../trust/testing/yes-trust-gate';
import { createCore } from './create-core';

const trusted: Sender = { transport: 'in-process' };
// TRAINDECK_FAKE_AWS: the dashboard's AWS commands answer from the in-memory account, never from AWS.
const core = () =>
  createCore({
    trust: yesTrustGate(),
    transport: 'web',
    isTrusted: (s) => s.transport === 'in-process',
    log: silentLogger,
    projectRoot: process.cwd(),
    env: { TRAINDECK_DATA_DIR: '/tmp/traindeck-test', TRAINDECK_FAKE_AWS: '1' },
  });

// keys.generate and keys.export really write their sample key files: remove them so runs leave nothing behind.
afterAll(() => {
  rmSync(VALID_REQUESTS['keys.generate'].path, { force: true });
  rmSync(VALID_REQUESTS['keys.export'].to, { force: true });
});

describe('the router (the one handle() both transports call)', () => {
  it.each(COMMAND_NAMES)(
    'answers a valid %s request with ok (or, for stateful commands, a typed domain error)',
    async (command) => {
      const result = await core().router.handle(command, VALID_REQUESTS[command], trusted);
      // A valid request passes validation and reaches its service; some services answer from state
      // (no such run yet → NOT_FOUND). Never a validation error, an unknown command or a crash.
      if (!result.ok) {
        expect(['INVALID_REQUEST', 'UNKNOWN_COMMAND', 'INTERNAL'], JSON.stringify(result)).not.toContain(
          result.error.code,
        );
      }
    },
  );

  it.each(COMMAND_NAMES)('rejects an invalid %s payload with INVALID_REQUEST, naming the problem', async (command) => {
    for (const payload of ['garbage', 42, [], { ...VALID_REQUESTS[command], surprise: 1 }]) {
      const result = await core().router.handle(command, payload, trusted);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      if (!result.ok) expect(result.error.message).toContain(command);
    }
  });

  it('refuses an unknown command with UNKNOWN_COMMAND', async () => {
    const result = await core().router.handle('rm.everything', {}, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
  });

  it('refuses an untrusted sender before looking at the command', async () => {
    const result = await core().router.handle('app.info', {}, { transport: 'web', authenticated: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('names the invalid field', async () => {
    const result = await core().router.handle('app.ping', { echo: 'x'.repeat(201) }, trusted);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/echo/);
  });

  describe('errors thrown by handlers', () => {
    const withPing = (ping: Handlers['app.ping'], log: Logger = silentLogger) => {
      const handlers = { ...({} as Handlers), 'app.ping': ping };
      return createRouter(handlers, { isTrusted: () => true, log });
    };

    it('keeps the code, message and fix of a TypedError', async () => {
      const router = withPing(() => {
        throw new TypedError('PRECONDITION_FAILED', 'Bucket versioning is on.', { fix: 'Suspend versioning.' });
      });
      expect(await router.handle('app.ping', { echo: 'x' }, trusted)).toEqual({
        ok: false,
        error: { code: 'PRECONDITION_FAILED', message: 'Bucket versioning is on.', fix: 'Suspend versioning.' },
      });
    });

    it('turns any other throw into INTERNAL and logs the stack, never crashing main', async () => {
      const log = { ...silentLogger, error: vi.fn() };
      const router = withPing(async () => {
        throw new RangeError('boom');
      }, log);
      const result = await router.handle('app.ping', { echo: 'x' }, trusted);
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'INTERNAL', message: expect.stringContaining('boom') },
      });
      expect(log.error).toHaveBeenCalledOnce();
    });

    it('turns an abort into CANCELLED', async () => {
      const router = withPing(() => {
        throw new DOMException('aborted', 'AbortError');
      });
      expect(await router.handle('app.ping', { echo: 'x' }, trusted)).toMatchObject({
        ok: false,
        error: { code: 'CANCELLED' },
      });
    });
  });
});
