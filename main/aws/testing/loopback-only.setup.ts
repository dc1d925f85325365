import { afterAll, afterEach } from 'vitest';

import { installLoopbackOnly, throwIfLoopbackViolations } from './loopback-only';

// Every test file of every project (vitest.config.ts `setupFiles`): no test reaches a host that is not loopback.
installLoopbackOnly();

// The test (or, from a hook, the file) that asked for a host that is not loopback fails, even if its code swallowed the error.
afterEach(throwIfLoopbackViolations);
afterAll(throwIfLoopbackViolations);
