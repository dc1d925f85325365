import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot } from '../../../shared/domain/run';
import { reportMarkdown } from '../../../shared/report/report-markdown';
import { localRunReport } from './run-report';

describe("localRunReport (the page's own report, rendered by shared/report)", () => {
  it('states the outcome, exit code, each phase with its time and failure, and escapes table pipes', () => {
    let run = emptyRunSnapshot('r-1', 'resnet', 'ssh-host', '2026-11-24T10:00:00.000Z');
    run = applyRunEvent(run, {
      runId: 'r-1',
      seq: 1,
      at: '2026-11-24T10:00:00.000Z',
      type: 'phase',
      phase: 'training',
      status: 'running',
    });
    run = applyRunEvent(run, {
      runId: 'r-1',
      seq: 2,
      at: '2026-11-24T10:05:00.000Z',
      type: 'phase',
      phase: 'training',
      status: 'failed',
      reason: 'exit 1 | OOM',
    });
    run = applyRunEvent(run, {
      runId: 'r-1',
      seq: 3,
      at: '2026-11-24T10:06:00.000Z',
      type: 'finished',
      outcome: 'failed',
      exitCode: 1,
    });
    const markdown = reportMarkdown(localRunReport(run, undefined));
    expect(markdown).toContain('Outcome: **failed** (exit code 1)');
    expect(markdown).toContain('| training | failed | 5 min | exit 1 \\| OOM |');
    expect(markdown).toContain('(6 min)');
    // Built in the page: the cost of an ssh-host run is known ($0 compute), resources come from main.
    expect(markdown).toContain('- Cost: $0.00 (own machine)');
    expect(markdown).not.toContain('## Resources');
  });
});
