import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTcpProxy } from '../../../e2e/services/tcp-proxy';
import type { RunObserver } from './run-observer';
import { createRunFixture, type RunFixture } from './testing/run-fixture';
import { Waker } from './waker';

let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('resilience');
}, 120_000);
afterAll(() => f?.cleanup());

/** The executor.jsonl of the newest run folder on the test host, once `ready` holds (or after 10 s). */
async function executorLogOfNewestRun(ready: (text: string) => boolean): Promise<string> {
  const root = join(f.dir, 'remote-work');
  // Each run's logs are in data/logs/<run-id>/.
  const files = readdirSync(root)
    .map((name) => join(root, name, 'data', 'logs'))
    .filter((logs) => existsSync(logs))
    .flatMap((logs) => readdirSync(logs).map((runId) => join(logs, runId, 'executor.jsonl')))
    .filter((file) => existsSync(file));
  const newest = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) throw new Error(`no executor.jsonl under ${root}`);
  const end = Date.now() + 10_000;
  for (;;) {
    const text = readFileSync(newest, 'utf8');
    if (ready(text) || Date.now() > end) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The lines this run's training wrote: train.log is pulled first, so earlier runs' lines come before. */
function thisRunsLines(lines: string[]): string[] {
  const start = lines.findLastIndex((line) => line.includes('dataset bytes:'));
  return lines.slice(start + 1);
}

describe('a run survives and stops safely', () => {
  it('SSH connection killed mid-training and the network down for seconds: training goes on, the desktop reattaches, no log line lost or duplicated', async () => {
    const proxy = await startTcpProxy(f.sshd.port);
    let cut = false;
    // The monitor's view: it gets the live connection at training start and the new one after the drop.
    const seen: string[] = [];
    let metricsFile = '';
    let metrics: Promise<string> | undefined;
    const observer: RunObserver = {
      trainingStarted: (_id, _host, paths) => {
        metricsFile = paths.metricsJsonl;
        seen.push('started');
      },
      reconnected: (_id, host) => {
        seen.push('reconnected');
        metrics = host.exec(`head -n 1 '${metricsFile}'`, { timeoutMs: 10_000 }).then((r) => r.stdout.trim());
      },
      ended: () => void seen.push('ended'),
    };
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '3', LINES_PER_EPOCH: '10', STEP_SLEEP: '0.15' })),
      f.sshHost({ port: proxy.port }),
      {
        observer,
        onEvent: (event) => {
          if (!cut && event.type === 'log' && event.source === 'train' && event.line.includes(' line 8 ')) {
            cut = true;
            // The link drops and stays down longer than one round of connect attempts.
            proxy.pause();
            proxy.cutAll();
            setTimeout(() => proxy.resume(), 2_500);
          }
        },
      },
    );
    await proxy.close();
    expect(cut).toBe(true);
    expect(seen).toEqual(['started', 'reconnected', 'ended']);
    expect(JSON.parse((await metrics)!)).toEqual({ step: 1, epoch: 1, loss: 0.999 });
    expect(run.result.outcome).toBe('succeeded');
    expect(
      run.events.some((e) => e.type === 'log' && e.source === 'info' && e.line.startsWith('still cannot reach')),
    ).toBe(true);
    expect(run.events.some((e) => e.type === 'log' && e.source === 'info' && e.line.startsWith('reconnected'))).toBe(
      true,
    );
    expect(proxy.connections).toBeGreaterThanOrEqual(2);
    const numbers = run.trainLines.flatMap((line) => / line (\d+) /.exec(line)?.[1] ?? []).map(Number);
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // Every line of the training log arrived once: the same count as the file pushed to S3.
    expect(run.trainLines.filter((l) => l.endsWith('training finished'))).toHaveLength(1);
  });

  it('the link stays down longer than the fast retries: the follower goes slow, never fails the run, and "retry now" reconnects at once', async () => {
    const proxy = await startTcpProxy(f.sshd.port);
    const waker = new Waker();
    let cut = false;
    let woken = false;
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '3', LINES_PER_EPOCH: '10', STEP_SLEEP: '0.15' })),
      f.sshHost({ port: proxy.port }),
      {
        waker,
        // A slow pause of ten minutes: only the wake can bring the follower back within the test.
        reconnect: { fastRounds: 1, fastPauseMs: 100, slowPauseMs: 600_000 },
        onEvent: (event) => {
          if (!cut && event.type === 'log' && event.source === 'train' && event.line.includes(' line 5 ')) {
            cut = true;
            proxy.pause();
            proxy.cutAll();
          }
          if (!woken && event.type === 'log' && event.line.startsWith('connection lost, retrying every 600 s')) {
            woken = true;
            proxy.resume();
            waker.wake();
          }
        },
      },
    );
    await proxy.close();
    expect(woken).toBe(true);
    expect(run.result.outcome).toBe('succeeded');
    expect(run.events.some((e) => e.type === 'log' && /^retrying \S+@127\.0\.0\.1:\d+ now$/.test(e.line))).toBe(true);
    const numbers = thisRunsLines(run.trainLines).flatMap((line) => / line (\d+) /.exec(line)?.[1] ?? []);
    expect(numbers.map(Number)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
  });

  it('the link comes back by itself after the fast retries ran out: the slow retry finds it and the run succeeds', async () => {
    const proxy = await startTcpProxy(f.sshd.port);
    let cut = false;
    let slow = false;
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '2', LINES_PER_EPOCH: '10', STEP_SLEEP: '0.15' })),
      f.sshHost({ port: proxy.port }),
      {
        reconnect: { fastRounds: 1, fastPauseMs: 100, slowPauseMs: 1_000 },
        onEvent: (event) => {
          if (!cut && event.type === 'log' && event.source === 'train' && event.line.includes(' line 3 ')) {
            cut = true;
            proxy.pause();
            proxy.cutAll();
          }
          if (!slow && event.type === 'log' && event.line.startsWith('connection lost, retrying every 1 s')) {
            slow = true;
            setTimeout(() => proxy.resume(), 1_500);
          }
        },
      },
    );
    await proxy.close();
    expect(slow).toBe(true);
    expect(run.result.outcome).toBe('succeeded');
    expect(thisRunsLines(run.trainLines).filter((l) => l.endsWith('training finished'))).toHaveLength(1);
  });

  it('TTL expires: training is stopped (SIGTERM, grace), data pushed, then the injected power-off runs', async () => {
    const marker = join(f.dir, `powered-off-${Date.now()}`);
    // 10 s: checkout, pull and verify must be over before the TTL, even on a loaded 2-core machine.
    const run = await f.run(
      f.config((raw) => (raw.training.env = { TRAIN_MODE: 'hang' })),
      f.sshHost({ ttlSeconds: 10, powerOff: { kind: 'command', argv: ['touch', marker] } }),
    );
    expect(run.result.outcome).toBe('failed');
    expect(run.snapshot.phases.training).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('time-to-live reached'),
    });
    expect(run.snapshot.phases.pushing.status).toBe('succeeded');
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expect(await f.fx.keys()).toContain('runs/test/checkpoints/interrupted.ckpt');
    expect(existsSync(marker)).toBe(true);
    // The executor notes the power-off after its `done` line, which the desktop stops following at: read its own log.
    expect(await executorLogOfNewestRun((text) => text.includes('power-off command exited with 0'))).toContain(
      'power-off command exited with 0',
    );
  });

  it('cancel: graceful stop of training, push, verified sync, reported cancelled', async () => {
    const controller = new AbortController();
    const since = Date.now();
    const run = await f.run(
      f.config((raw) => (raw.training.env = { TRAIN_MODE: 'hang' })),
      f.sshHost(),
      {
        signal: controller.signal,
        // train.log is pulled first with earlier runs' lines (an earlier "hanging" too): only this run's count.
        onEvent: (event) => {
          if (event.type === 'log' && event.line.endsWith('hanging') && Date.parse(event.line.slice(0, 24)) >= since) {
            controller.abort();
          }
        },
      },
    );
    expect(run.result.outcome).toBe('cancelled');
    expect(run.snapshot.phases.training).toMatchObject({
      status: 'failed',
      detail: { cancelled: true, exitCode: 143 },
    });
    expect(run.snapshot.phases.pushing.status).toBe('succeeded');
    expect(run.trainLines.some((l) => l.endsWith('SIGTERM received, saving'))).toBe(true);
  });

  it('a changed host key is refused before anything is uploaded', async () => {
    const run = await f.run(f.config(), f.sshHost({ pinned: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] }));
    expect(run.result.outcome).toBe('failed');
    expect(run.snapshot.phases.connecting).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('host key'),
    });
    expect(run.snapshot.phases.connecting.reason).toContain(f.sshd.hostKeyFingerprint);
    expect(run.snapshot.phases.bootstrapping.status).toBe('pending');
    expect(run.snapshot.phases['tearing-down'].status).toBe('succeeded');
  });

  it('first sight: an unpinned host key is accepted once and reported for the journal', async () => {
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '1' })),
      f.sshHost({ pinned: [] }),
    );
    expect(run.result.outcome).toBe('succeeded');
    expect(run.events.filter((e) => e.type === 'host-key')).toEqual([
      expect.objectContaining({ fingerprint: f.sshd.hostKeyFingerprint, firstSight: true }),
    ]);
    // The deploy key lived in /dev/shm only for the checkout.
    expect(readdirSync('/dev/shm').filter((name) => name.startsWith('traindeck-resilience-'))).toEqual([]);
  });

  it('the executor itself dies (SIGKILL): the desktop notices within seconds, fails the phase it was in, pushes what exists', async () => {
    const remoteWork = join(f.dir, 'remote-work');
    let killed = false;
    let training = false;
    const started = Date.now();
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '2', LINES_PER_EPOCH: '50', STEP_SLEEP: '0.1' })),
      f.sshHost(),
      {
        onEvent: (event) => {
          // train.log is pulled first with earlier runs' lines: wait for this run's training.
          if (event.type === 'phase' && event.phase === 'training' && event.status === 'running') training = true;
          if (killed || !training || event.type !== 'log' || event.source !== 'train') return;
          killed = true;
          const newest = readdirSync(remoteWork)
            .map((name) => join(remoteWork, name))
            .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
          process.kill(Number(readFileSync(join(newest, 'executor.pid'), 'utf8')), 'SIGKILL');
        },
      },
    );
    expect(killed).toBe(true);
    expect(run.result.outcome).toBe('failed');
    expect(run.snapshot.phases.training).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/the executor \(pid \d+\) stopped without finishing/),
    });
    // The desktop pushed what the dead executor left (the training log so far) before teardown.
    expect(run.snapshot.phases.pushing).toMatchObject({ status: 'succeeded', detail: { rescue: true } });
    expect(await f.fx.keys()).toContain(`runs/test/logs/${run.snapshot.runId}/train.log`);
    expect(run.snapshot.phases['tearing-down'].status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('spot interruption notice (IMDSv2): training stops at once and the data is pushed', async () => {
    let reclaim = false;
    const imds = createServer((request, response) => {
      if (request.method === 'PUT') return response.end('token');
      if (request.url === '/latest/meta-data/spot/instance-action' && reclaim) {
        return response.end('{"action":"terminate","time":"2026-11-24T14:00:00Z"}');
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
    const port = (imds.address() as { port: number }).port;
    const started = Date.now();
    const run = await f.run(
      f.config((raw) => (raw.training.env = { TRAIN_MODE: 'hang' })),
      f.sshHost(),
      {
        imdsBase: `http://127.0.0.1:${port}`,
        onEvent: (event) => event.type === 'log' && event.line.endsWith('hanging') && (reclaim = true),
      },
    );
    await new Promise<void>((resolve) => imds.close(() => resolve()));
    expect(run.snapshot.phases.training).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('spot interruption notice'),
    });
    expect(
      run.events.some((e) => e.type === 'log' && e.line.includes('spot interruption notice ({"action":"terminate"')),
    ).toBe(true);
    expect(run.snapshot.phases.pushing.status).toBe('succeeded');
    expect(run.trainLines.some((l) => l.endsWith('SIGTERM received, saving'))).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
