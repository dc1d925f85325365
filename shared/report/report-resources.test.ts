import { describe, expect, it } from 'vitest';

import type { JournalEntry } from '../domain/run-journal';
import { reportResources } from './report-resources';

// Invariant: a report says "a rescan found nothing of the run" only when the journal's last word is
// a close. A spot relaunch's launch opens the journal again after the interrupted attempt's close,
// so what the later attempt created is unconfirmed until its own teardown closes it.

const at = '2026-12-06T03:00:00.000Z';
const RUN = 'relaunched-20261206-030000-cd34';
const opened = (zone: string): JournalEntry => ({ type: 'opened', at, runId: RUN, region: 'eu-west-1', zone, pid: 1 });
const attempt1: JournalEntry[] = [
  opened('eu-west-1a'),
  { type: 'created', at, step: 'instance', kind: 'instance', id: 'i-0attempt1' },
  { type: 'cleanup', at, reason: 'teardown of 1 resource(s)' },
  { type: 'deleted', at, kind: 'instance', id: 'i-0attempt1' },
  { type: 'closed', at, outcome: 'torn-down' },
  { type: 'relaunch', at, attempt: 2, market: 'spot', reason: 'spot relaunch 1 of 1' },
];

describe('report resources of a relaunched run', () => {
  it('a second attempt whose teardown never closed the journal is not verified gone', () => {
    const report = reportResources(
      [
        ...attempt1,
        opened('eu-west-1b'),
        { type: 'created', at, step: 'instance', kind: 'instance', id: 'i-0attempt2' },
      ],
      'aws-ec2',
      RUN,
    );
    expect(report.verified).toBe(false);
    expect(report.rows.find((r) => r.id === 'i-0attempt2')?.fate).toBe('unconfirmed');
    expect(report.summary).toBe(
      `1 resource not confirmed deleted: use Tear down now, or run traindeck teardown ${RUN}.`,
    );
  });

  it('both attempts torn down and the journal closed again: verified', () => {
    const report = reportResources(
      [
        ...attempt1,
        opened('eu-west-1b'),
        { type: 'created', at, step: 'instance', kind: 'instance', id: 'i-0attempt2' },
        { type: 'cleanup', at, reason: 'teardown of 1 resource(s)' },
        { type: 'deleted', at, kind: 'instance', id: 'i-0attempt2' },
        { type: 'closed', at, outcome: 'torn-down' },
      ],
      'aws-ec2',
      RUN,
    );
    expect(report.verified).toBe(true);
    expect(report.rows.map((r) => r.fate)).toEqual(['deleted-verified', 'deleted-verified']);
  });
});
