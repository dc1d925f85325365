// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import type { CostResource } from '../../../../../shared/domain/cost';
import type { JobSnapshot } from '../../../../../shared/domain/job';
import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import { render, screen } from '../../../testing/render';
import { KillProgress } from './kill-progress';

const untracked: CostResource = {
  kind: 'instance',
  region: 'us-west-2',
  id: 'i-foreign',
  type: 't3.large',
  state: 'running',
  tags: {},
  ours: false,
  hourlyUsd: 0.083,
};

const job: JobSnapshot = {
  jobId: 'job-1',
  kind: 'costs.killAll',
  title: 'Kill-all',
  state: 'succeeded',
  lastSeq: 3,
  startedAt: '2026-12-05T10:00:00.000Z',
  endedAt: '2026-12-05T10:01:00.000Z',
};

// Everything in scope went; one resource outside it was left alone.
const result: KillAllResult = {
  deleted: 4,
  failed: 0,
  survivors: [],
  unverifiedRegions: [],
  remainingHourlyUsd: 0,
  rescan: {
    scannedAt: '2026-12-05T10:01:00.000Z',
    regions: [{ region: 'us-west-2', status: 'ok', resourceCount: 1, durationMs: 10 }],
    resources: [untracked],
    totalHourlyUsd: 0.083,
    unpricedCount: 0,
    priceTableDate: '2025-06-15',
  },
};

const verdictText = () => screen.getByTestId('kill-verdict').textContent ?? '';

describe('KillProgress: the verdict names what was left alone, and where to see it', () => {
  it('sends the reader to the Costs page from elsewhere (a run teardown on the Runs page)', () => {
    render(<KillProgress job={job} result={result} onDismiss={() => {}} label="Teardown" />);
    expect(verdictText()).toContain('1 other resource in the account was left alone; it costs $0.083/h (see Costs).');
  });

  it('does not point to the Costs page on the Costs page itself', () => {
    render(<KillProgress job={job} result={result} onDismiss={() => {}} pointToCosts={false} />);
    expect(verdictText()).toContain('1 other resource in the account was left alone; it costs $0.083/h.');
    expect(verdictText()).not.toContain('see Costs');
  });
});

// Issue #17 (prices-ui, point 2): what a stopped run's own teardown deleted is not this kill-all's deletion.
describe("KillProgress: the deletions a stopped run's own teardown made are said apart", () => {
  it('"1 deleted, 3 already deleted by their run\'s own teardown, verified …"', () => {
    render(<KillProgress job={job} result={{ ...result, deleted: 1, alreadyGone: 3 }} onDismiss={() => {}} />);
    expect(verdictText()).toContain(
      "1 deleted, 3 already deleted by their run's own teardown, verified by a rescan of",
    );
  });

  it('without any, the words are as before', () => {
    render(<KillProgress job={job} result={result} onDismiss={() => {}} />);
    expect(verdictText()).toContain('4 deleted, verified by a rescan of 1 readable region.');
  });
});
