import { describe, expect, it } from 'vitest';

import { parseSpotAction } from '../../shared/monitor/spot-notice';
import { FakeClock } from '../aws/testing/fake-clock';
import type { RemoteShell } from '../host/remote-host';
import { checkSpotOverShell, type ImdsFetch, spotCheckCommand, watchSpotInterruption } from './spot-imds';

const NOTICE = '{"action": "terminate", "time": "2026-11-24T10:02:00Z"}';

/** A fake IMDSv2: 401 without a token, 404 until `interruptAt`, then the notice. */
function fakeImds(clock: FakeClock, interruptAt: number) {
  const calls: string[] = [];
  const fetch: ImdsFetch = async (url, init) => {
    calls.push(`${init.method} ${url.replace('http://169.254.169.254', '')}`);
    if (init.method === 'PUT') return { status: 200, text: async () => 'TOKEN-1\n' };
    if (init.headers['X-aws-ec2-metadata-token'] !== 'TOKEN-1') return { status: 401, text: async () => '' };
    return clock.now() >= interruptAt
      ? { status: 200, text: async () => NOTICE }
      : { status: 404, text: async () => '<html>Not Found</html>' };
  };
  return { fetch, calls };
}

describe('spot interruption through IMDSv2', () => {
  it('executor watch: token PUT first, polls every 5 s, calls back once at the notice (injected clock)', async () => {
    const clock = new FakeClock(0);
    const imds = fakeImds(clock, 60_000);
    const seen: unknown[] = [];
    const notice = await watchSpotInterruption({
      fetch: imds.fetch,
      sleep: clock.sleep,
      signal: new AbortController().signal,
      onInterruption: (n) => seen.push(n),
    });
    expect(notice).toEqual({ action: 'terminate', time: '2026-11-24T10:02:00Z' });
    expect(seen).toHaveLength(1);
    expect(clock.now()).toBe(60_000);
    expect(imds.calls[0]).toBe('PUT /latest/api/token');
    expect(imds.calls.filter((c) => c.startsWith('PUT'))).toHaveLength(1);
    expect(imds.calls.filter((c) => c === 'GET /latest/meta-data/spot/instance-action')).toHaveLength(13);
  });

  it('IMDS unreachable (off EC2) is retried, never thrown; abort ends the watch', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    let calls = 0;
    const fetch: ImdsFetch = async () => {
      if (++calls === 5) controller.abort();
      throw new TypeError('fetch failed');
    };
    await expect(
      watchSpotInterruption({ fetch, sleep: clock.sleep, signal: controller.signal, onInterruption: () => {} }),
    ).resolves.toBeUndefined();
    expect(calls).toBe(5);
  });

  it('desktop check over the run shell: 200 + JSON → notice; 404 or curl failure → none', async () => {
    const reply = (stdout: string, code = 0): RemoteShell => ({ exec: async () => ({ stdout, stderr: '', code }) });
    expect(await checkSpotOverShell(reply(`${NOTICE}\n200`))).toEqual({
      action: 'terminate',
      time: '2026-11-24T10:02:00Z',
    });
    expect(await checkSpotOverShell(reply('<html>404</html>\n404'))).toBeUndefined();
    expect(await checkSpotOverShell(reply('', 7))).toBeUndefined();
    expect(spotCheckCommand()).toMatch(
      /-X PUT .*ttl-seconds.*api\/token.*X-aws-ec2-metadata-token: \$t.*spot\/instance-action/,
    );
  });

  it('garbage bodies are never a notice', () => {
    for (const body of ['', 'null', '<html>', '{"action": 1}', '[]']) expect(parseSpotAction(body)).toBeUndefined();
  });
});
