import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { applyRunEvent } from '../domain/run';
import { reportHtml } from './report-html';
import { reportMarkdown } from './report-markdown';
import { ATTEMPT_COLUMNS, attemptCells, attemptsLead } from './report-text';
import { ATTEMPT_ENDS, type RunAttempt } from './run-attempts';
import { buildRunReport } from './run-report';
import { finishedRun } from './testing/finished-run';

const START = Date.parse('2026-11-24T10:00:00.000Z');
const at = (min: number) => new Date(START + min * 60_000).toISOString();
const GENERATED = at(200);

const relaunched: RunAttempt[] = [
  {
    attempt: 1,
    instanceId: 'i-0aaa',
    instanceType: 'g5.xlarge',
    zone: 'us-east-1a',
    market: 'spot',
    startedAt: at(2),
    endedAt: at(44),
    end: 'interrupted',
    costUsd: 0.3412,
  },
  {
    attempt: 2,
    instanceId: 'i-0bbb',
    instanceType: 'g5.xlarge',
    zone: 'us-east-1b',
    market: 'spot',
    startedAt: at(47),
    endedAt: at(190),
    end: 'finished',
    costUsd: 1.2,
  },
];

const withAttempts = (attempts: RunAttempt[]) => {
  const run = finishedRun({ runId: 'r-1', name: 'resnet', backend: 'aws-ec2', start: START, exitCode: 0 });
  return applyRunEvent(run, { runId: 'r-1', seq: 98, at: at(190), type: 'attempts', attempts });
};

describe('the attempts in the run report', () => {
  it('lists each launch with instance, type, zone, market, start, duration, why it ended and cost', () => {
    const report = buildRunReport(withAttempts(relaunched), { generatedAt: GENERATED });
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('## Attempts');
    expect(markdown).toContain('2 launches of the instance, 1 ended by a spot interruption; together $1.54.');
    expect(markdown).toContain(
      '| 1 | `i-0aaa` | g5.xlarge | us-east-1a | spot | 2026-11-24 10:02 UTC | 42 min | spot interruption | $0.341 |',
    );
    expect(markdown).toContain(
      '| 2 | `i-0bbb` | g5.xlarge | us-east-1b | spot | 2026-11-24 10:47 UTC | 2 h 23 min | finished | $1.20 |',
    );
    // Between the phases and the data: it explains the timeline above it.
    expect(markdown.indexOf('## Phases')).toBeLessThan(markdown.indexOf('## Attempts'));
    expect(markdown.indexOf('## Attempts')).toBeLessThan(markdown.indexOf('## Data'));
    const page = reportHtml(report);
    expect(page).toContain('<h2>Attempts</h2>');
    expect(page).toContain('<td><code>i-0aaa</code></td>');
    expect(page).toContain('<td class="bad">spot interruption</td>');
    expect(page).toContain('<td class="ok">finished</td>');
  });

  it('an unpriced attempt makes the total unknown, never $0, and names it', () => {
    const { costUsd: _cost, ...unpricedSecond } = relaunched[1]!;
    const unpriced = [relaunched[0]!, unpricedSecond];
    const markdown = reportMarkdown(buildRunReport(withAttempts(unpriced), { generatedAt: GENERATED }));
    expect(markdown).toContain('together unknown (attempt 2 has no price).');
    expect(markdown).toMatch(/\| finished \| unknown \|/);
    expect(markdown).not.toMatch(/\| finished \| \$0/);
  });

  it('a running attempt counts its duration to the report’s time and says so', () => {
    const { endedAt: _ended, end: _end, costUsd: _cost, ...runningSecond } = relaunched[1]!;
    const running = [relaunched[0]!, runningSecond];
    const report = buildRunReport(withAttempts(running), { generatedAt: at(107) });
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('| 1 h 00 min so far | running | unknown |');
    expect(markdown).toContain('together unknown (attempt 2 has no price yet).');
  });

  it('one attempt that finished is not listed (nothing new); one that ended otherwise is', () => {
    const single = { ...relaunched[1]!, attempt: 1 };
    expect(reportMarkdown(buildRunReport(withAttempts([single]), { generatedAt: GENERATED }))).not.toContain(
      '## Attempts',
    );
    expect(reportHtml(buildRunReport(withAttempts([single]), { generatedAt: GENERATED }))).not.toContain('Attempts');
    const failed = { ...single, end: 'launch-failed' as const };
    expect(reportMarkdown(buildRunReport(withAttempts([failed]), { generatedAt: GENERATED }))).toContain(
      'One launch of the instance; together $1.20.',
    );
  });

  it('runs recorded without attempts read as before', () => {
    const run = finishedRun({ runId: 'r-1', name: 'resnet', backend: 'aws-ec2', start: START });
    const report = buildRunReport(run, { generatedAt: GENERATED });
    expect(report.attempts).toBeUndefined();
    expect(reportMarkdown(report)).not.toContain('Attempts');
  });

  it('lists attempts in launch order whatever order they were recorded in', () => {
    const report = buildRunReport(withAttempts([relaunched[1]!, relaunched[0]!]), { generatedAt: GENERATED });
    expect(report.attempts!.map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('escapes what an instance id or zone could carry, in Markdown and HTML', () => {
    const evil = [{ ...relaunched[0]!, instanceId: '<img src=x>|`', zone: 'a|b\nc' }, relaunched[1]!];
    const report = buildRunReport(withAttempts(evil), { generatedAt: GENERATED });
    const page = reportHtml(report);
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src=x&gt;|`');
    const row = reportMarkdown(report)
      .split('\n')
      .find((line) => line.startsWith('| 1 |'))!;
    // Still one row of nine cells: the pipes and the line break in the values are escaped.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(ATTEMPT_COLUMNS.length);
  });

  it('every attempt, whatever its fields, fills every column and never shows $0 for an unknown cost', () => {
    const attemptArb = fc.record(
      {
        attempt: fc.integer({ min: 1, max: 20 }),
        instanceId: fc.string({ maxLength: 20 }),
        instanceType: fc.constantFrom('g5.xlarge', 'p3.2xlarge'),
        zone: fc.constantFrom('us-east-1a', 'eu-west-1b'),
        market: fc.constantFrom('spot' as const, 'on-demand' as const),
        startedAt: fc.integer({ min: 0, max: 600 }).map(at),
        endedAt: fc.integer({ min: 0, max: 600 }).map(at),
        end: fc.constantFrom(...ATTEMPT_ENDS),
        costUsd: fc.double({ min: 0, max: 100, noNaN: true }),
      },
      { requiredKeys: ['attempt', 'instanceId', 'instanceType', 'zone', 'market', 'startedAt'] },
    );
    fc.assert(
      fc.property(fc.array(attemptArb, { minLength: 1, maxLength: 5 }), (attempts) => {
        for (const a of attempts) {
          const cells = attemptCells(a, Date.parse(GENERATED));
          expect(cells).toHaveLength(ATTEMPT_COLUMNS.length);
          expect(cells.every((c) => c.length > 0)).toBe(true);
          if (a.costUsd === undefined) expect(cells.at(-1)).toBe('unknown');
        }
        const lead = attemptsLead(attempts);
        if (attempts.some((a) => a.costUsd === undefined)) expect(lead).toContain('together unknown');
        else expect(lead).toMatch(/together \$\d/);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
