// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';

import { applyRunEvent, emptyRunSnapshot, type RunEvent, type RunSnapshot } from '../../../../shared/domain/run';
import type { UnfinishedRun } from '../../../../shared/ipc/run-commands';
import { type ReattachItem, reattachItems } from '../../stores/unfinished-runs';
import { render, screen, userEvent, within } from '../../testing/render';
import { ReattachBanner } from './reattach-banner';

const ec2: UnfinishedRun = {
  runId: 'resnet-20261205-140000-ab12',
  name: 'resnet',
  backend: 'aws-ec2',
  startedAt: '2026-12-05T14:00:00.000Z',
  phase: 'training',
  canFollow: true,
  instanceType: 'g5.xlarge',
  billing: {
    hourlyUsd: 1.0197,
    region: 'us-east-1',
    market: 'on-demand',
    zone: 'us-east-1a',
    prices: 'AWS prices of us-east-1 of 2026-12-06',
  },
};
const box: UnfinishedRun = {
  runId: 'bert-20261205-141000-cd34',
  name: 'bert',
  backend: 'ssh-host',
  host: 'ubuntu@gpu-box:22',
  startedAt: '2026-12-05T14:10:00.000Z',
  phase: 'connecting',
  canFollow: false,
};

function snapshot(run: UnfinishedRun, events: Array<Partial<RunEvent>>): RunSnapshot {
  return events.reduce<RunSnapshot>(
    (s, e, i) =>
      applyRunEvent(s, { runId: run.runId, seq: i + 1, at: `2026-12-05T15:00:0${i}.000Z`, ...e } as RunEvent),
    emptyRunSnapshot(run.runId, run.name, run.backend, run.startedAt),
  );
}

function setup(items: ReattachItem[], loadError?: { code: 'UNAVAILABLE'; message: string; fix: string }) {
  const handlers = { onAction: vi.fn(), onRetry: vi.fn(), onShow: vi.fn(), onReload: vi.fn() };
  const view = render(<ReattachBanner items={items} loadError={loadError} {...handlers} />);
  return { ...handlers, ...view };
}

describe('the reattach banner', () => {
  it('none: nothing is shown', () => {
    const { container } = setup(reattachItems([], {}, {}, {}));
    expect(container.innerHTML).toBe('');
    expect(screen.queryByTestId('reattach-banner')).toBeNull();
  });

  it('one: names the run, its backend and instance, what it still bills, and offers Reattach and Tear down (keyboard)', async () => {
    const { onAction } = setup(reattachItems([ec2], {}, {}, {}));
    const banner = screen.getByRole('region', { name: 'An unfinished run' });
    const item = within(banner).getByTestId(`unfinished-${ec2.runId}`);
    expect(item.textContent).toContain('resnet was left unfinished when TrainDeck stopped during training.');
    expect(item.textContent).toContain('AWS EC2 g5.xlarge (on-demand, us-east-1a) · still billing about $1.02/h');
    expect(within(item).getByTestId(`unfinished-basis-${ec2.runId}`).textContent).toBe(
      'Priced at AWS prices of us-east-1 of 2026-12-06.',
    );
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Reattach resnet' }));
    await userEvent.keyboard('{Enter}');
    expect(onAction).toHaveBeenCalledWith(ec2.runId, 'reattach');
  });

  // #17: the figure was the bundled us-east-1 on-demand hour whatever ran; now it is the monitor's rate
  // of what runs, and the banner says which: market, zone, which prices and of when, or why none.
  it('what it still bills: spot at its zone price, at most, being read, or unknown with why (never $0)', () => {
    const spot: UnfinishedRun = {
      ...ec2,
      billing: {
        hourlyUsd: 0.4213,
        region: 'eu-west-1',
        market: 'spot',
        zone: 'eu-west-1b',
        prices: 'AWS prices of eu-west-1 of 2026-12-06',
        note: "Spot price now in eu-west-1b (EC2's price history).",
      },
    };
    const { unmount } = setup(reattachItems([spot], {}, {}, {}));
    const row = screen.getByTestId(`unfinished-${ec2.runId}`);
    expect(row.textContent).toContain('AWS EC2 g5.xlarge (spot, eu-west-1b) · still billing about $0.421/h');
    expect(row.textContent).toContain(
      "still billing about $0.421/h. Spot price now in eu-west-1b (EC2's price history). Priced at AWS prices of eu-west-1 of 2026-12-06.",
    );
    unmount();
    const shown = (billing: UnfinishedRun['billing']) => {
      const view = setup(reattachItems([{ ...spot, billing }], {}, {}, {}));
      const text = screen.getByTestId(`unfinished-${ec2.runId}`).textContent;
      view.unmount();
      return text;
    };
    expect(
      shown({ ...spot.billing!, hourlyUsd: 1.14, upperBound: true, note: 'At most: priced on-demand.' }),
    ).toContain('still billing at most $1.14/h');
    const reading = shown({
      hourlyUsd: null,
      pending: true,
      region: 'eu-west-1',
      market: 'spot',
      note: 'The prices of eu-west-1 are being read.',
    });
    expect(reading).toContain('may still bill (reading its prices…)');
    expect(reading).not.toContain('$0');
    const unknown = shown({
      hourlyUsd: null,
      region: 'eu-west-1',
      market: 'on-demand',
      prices: 'AWS prices of eu-west-1 of 2026-12-06',
      note: 'zz9.mega has no price in AWS prices of eu-west-1 of 2026-12-06.',
    });
    expect(unknown).toContain('may still bill (rate unknown)');
    expect(unknown).toContain('zz9.mega has no price in AWS prices of eu-west-1 of 2026-12-06.');
    expect(unknown).not.toContain('$0');
  });

  it('several: one row each; a run whose machine was never reached offers only Tear down and says it costs nothing in the cloud', () => {
    setup(reattachItems([ec2, box], {}, {}, {}));
    expect(screen.getByRole('region', { name: '2 unfinished runs' })).toBeTruthy();
    const row = screen.getByTestId(`unfinished-${box.runId}`);
    expect(row.textContent).toContain('ubuntu@gpu-box:22 over SSH');
    expect(row.textContent).toContain('no cloud cost (your machine)');
    expect(within(row).queryByRole('button', { name: /Reattach/ })).toBeNull();
    expect(within(row).getByRole('button', { name: 'Tear down bert' })).toBeTruthy();
  });

  it('tear down asks first, saying what happens to the training; Cancel does nothing, confirming starts it', async () => {
    const { onAction } = setup(reattachItems([ec2], {}, {}, {}));
    await userEvent.click(screen.getByRole('button', { name: 'Tear down resnet' }));
    const dialog = screen.getByTestId('teardown-dialog');
    expect(within(dialog).getByRole('heading', { name: 'Tear down resnet?' })).toBeTruthy();
    expect(dialog.textContent).toMatch(/training is stopped now .* does not resume/);
    expect(dialog.textContent).toMatch(/pushed to S3 and verified before anything is deleted/);
    expect(dialog.textContent).toMatch(/instance and everything else TrainDeck created .* rescanned/);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onAction).not.toHaveBeenCalled();
    expect(screen.queryByTestId('teardown-dialog')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Tear down resnet' }));
    await userEvent.click(screen.getByTestId('teardown-confirm'));
    expect(onAction).toHaveBeenCalledWith(ec2.runId, 'teardown');
  });

  it('reattaching: progress with the phase it is in, live as a status, and a way to the Runs page', async () => {
    const live = snapshot(ec2, [
      { type: 'phase', phase: 'connecting', status: 'succeeded' },
      { type: 'phase', phase: 'training', status: 'running' },
    ]);
    const { onShow } = setup(reattachItems([ec2], { [ec2.runId]: { action: 'reattach' } }, { [ec2.runId]: live }, {}));
    const status = screen.getByRole('status');
    expect(status.textContent).toContain('resnet — Reattached: following it to its end (now: Train).');
    expect(screen.queryByRole('button', { name: /Tear down/ })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Show on Runs' }));
    expect(onShow).toHaveBeenCalledWith(ec2.runId);
  });

  it('tearing down: progress until the teardown is verified; a finished run with a verified teardown leaves the banner', () => {
    const events: Array<Partial<RunEvent>> = [
      { type: 'phase', phase: 'pushing', status: 'succeeded' },
      { type: 'phase', phase: 'tearing-down', status: 'running' },
    ];
    const actions = { [ec2.runId]: { action: 'teardown' as const } };
    const { unmount } = setup(reattachItems([ec2], actions, { [ec2.runId]: snapshot(ec2, events) }, {}));
    expect(screen.getByRole('status').textContent).toContain(
      'Tearing down: stopping, pushing, deleting (now: Teardown)',
    );
    unmount();
    const verified = snapshot(ec2, [
      ...events,
      { type: 'phase', phase: 'tearing-down', status: 'succeeded' },
      { type: 'finished', outcome: 'cancelled' },
    ]);
    const items = reattachItems([ec2], actions, { [ec2.runId]: verified }, {});
    expect(items[0]!.state).toEqual({ status: 'done', outcome: 'cancelled' });
    const { container } = setup(items);
    expect(container.innerHTML).toBe('');
  });

  it('failed: a reattach that did not start says why with a fix and retries the same action', async () => {
    const error = {
      code: 'NOT_FOUND' as const,
      message: 'No unfinished run resnet-20261205-140000-ab12 to reattach.',
      fix: 'The runs a killed TrainDeck left are listed at start.',
    };
    const { onRetry } = setup(reattachItems([ec2], { [ec2.runId]: { action: 'reattach', error } }, {}, {}));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Reattach did not start. No unfinished run');
    expect(alert.textContent).toContain('The runs a killed TrainDeck left are listed at start.');
    await userEvent.click(screen.getByRole('button', { name: 'Retry reattach' }));
    expect(onRetry).toHaveBeenCalledWith(
      expect.objectContaining({ state: expect.objectContaining({ retry: 'action' }) }),
    );
  });

  it('failed: a run that ended without a verified teardown stays, names the reason and fix, and retries the teardown', async () => {
    const ended = snapshot(ec2, [
      {
        type: 'phase',
        phase: 'tearing-down',
        status: 'failed',
        reason: 'teardown left 1 resource(s) of run resnet-20261205-140000-ab12',
        fix: 'Run `traindeck teardown resnet-20261205-140000-ab12`.',
      },
      { type: 'finished', outcome: 'failed' },
    ]);
    const items = reattachItems([ec2], { [ec2.runId]: { action: 'reattach' } }, { [ec2.runId]: ended }, {});
    const { onRetry, unmount } = setup(items);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The teardown was not verified: teardown left 1 resource(s)');
    expect(alert.textContent).not.toMatch(/\.\./);
    await userEvent.click(screen.getByRole('button', { name: 'Retry teardown' }));
    expect(onRetry).toHaveBeenCalledWith(items[0]);
    unmount();
    // The retried teardown (a job) runs, then its rescan proves nothing is left: done.
    const retrying = reattachItems(
      [ec2],
      { [ec2.runId]: { action: 'reattach' } },
      { [ec2.runId]: ended },
      {
        [ec2.runId]: { jobRunning: true },
      },
    );
    expect(retrying[0]!.state).toEqual({ status: 'working', action: 'teardown', phase: 'tearing-down' });
    const clean = { deleted: 1, failed: 0, survivors: [], unverifiedRegions: [], remainingHourlyUsd: 0 };
    const verified = reattachItems(
      [ec2],
      { [ec2.runId]: { action: 'reattach' } },
      { [ec2.runId]: ended },
      {
        [ec2.runId]: { jobRunning: false, result: clean as never },
      },
    );
    expect(verified[0]!.state.status).toBe('done');
  });

  it('failed: a run on its own machine that ended without a teardown (reattach could not connect) says so and can be dismissed', async () => {
    const following = { ...box, canFollow: true };
    const ended = snapshot(following, [
      { type: 'phase', phase: 'connecting', status: 'failed', reason: "cannot read the run's SSH key /k" },
      { type: 'finished', outcome: 'failed', reason: "reattach: cannot read the run's SSH key /k" },
    ]);
    const items = reattachItems([following], { [box.runId]: { action: 'reattach' } }, { [box.runId]: ended }, {});
    expect(items[0]!.state).toMatchObject({ status: 'failed', retry: 'dismiss' });
    const { onRetry } = setup(items);
    expect(screen.getByRole('alert').textContent).toContain(
      "It ended without a teardown: reattach: cannot read the run's SSH key /k.",
    );
    expect(screen.getByRole('alert').textContent).toContain('nothing bills');
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onRetry).toHaveBeenCalledWith(items[0]);
  });

  it('the list could not be read: a sentence with its fix and a way to check again', async () => {
    const { onReload } = setup([], {
      code: 'UNAVAILABLE',
      message: 'TrainDeck could not read its runs folder.',
      fix: 'Check that the data folder is readable, then check again.',
    });
    expect(screen.getByRole('alert').textContent).toContain('Could not check for unfinished runs.');
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(onReload).toHaveBeenCalled();
  });

  it('a run whose attach journal cannot be read: says why and how to fix it, and offers neither Reattach nor Tear down', () => {
    const unreadable: UnfinishedRun = {
      ...box,
      unreadable: {
        message:
          '/data/runs/bert/attach.jsonl is a FIFO (named pipe), not a regular file, so TrainDeck did not read it.',
        fix: 'TrainDeck writes this file itself and reads only a regular file there: move it away, then try again.',
      },
    };
    setup(reattachItems([unreadable], {}, {}, {}));
    const item = screen.getByTestId(`unfinished-${box.runId}`);
    expect(item.textContent).toContain('bert was left unfinished, but its attach journal cannot be read:');
    expect(item.textContent).toContain('attach.jsonl is a FIFO (named pipe), not a regular file');
    expect(item.textContent).toContain('move it away, then try again. Until then, Costs lists and deletes');
    expect(within(item).queryAllByRole('button')).toEqual([]);
  });
});
