import { describe, expect, it } from 'vitest';

import { FakeClock } from './testing/fake-clock';
import { waitFor } from './waiters';

describe('bounded waits', () => {
  it('gives up with TIMEOUT after maxMs', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    await expect(
      waitFor(async () => undefined, { what: 'Godot', maxMs: 60_000, intervalMs: 5_000, clock, sleep: clock.sleep }),
    ).rejects.toMatchObject({ code: 'TIMEOUT', message: 'Gave up waiting for Godot after 60 s.' });
    expect(clock.now() - start).toBe(60_000);
  });

  it('stops at once when the signal aborts', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let polls = 0;
    const waiting = waitFor(
      async () => (++polls === 3 ? (controller.abort(new Error('stop')), undefined) : undefined),
      { what: 'x', maxMs: 3_600_000, intervalMs: 1_000, clock, sleep: clock.sleep, signal: controller.signal },
    );
    await expect(waiting).rejects.toThrow('stop');
    expect(polls).toBe(3);
  });
});
