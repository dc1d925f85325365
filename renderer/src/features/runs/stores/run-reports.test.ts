import { beforeEach, describe, expect, it } from 'vitest';

import { fail, ok } from '../../../../../shared/ipc/result';
import { setApi } from '../../../bridge/api-ref';
import { useRunReports } from './run-reports';

const calls: Array<[string, unknown]> = [];
let resources = 'unconfirmed';

beforeEach(() => {
  calls.length = 0;
  resources = 'unconfirmed';
  useRunReports.setState({ reports: {} });
  setApi({
    invoke: (command, payload) => {
      calls.push([command, payload]);
      if (command === 'runs.report') {
        return Promise.resolve(ok({ runId: 'r-1', name: 'resnet', resources: { summary: resources } })) as never;
      }
      if (command === 'runs.saveReport') {
        return Promise.resolve(
          ok({
            markdown: '# big',
            html: '<html>',
            files: { markdown: '/d/report.md', html: '/d/report.html' },
            pdf: { status: 'desktop-only' },
          }),
        ) as never;
      }
      return Promise.resolve(fail({ code: 'NOT_FOUND', message: 'no' })) as never;
    },
    subscribe: () => () => {},
  });
});

describe('run reports store', () => {
  it('loads a report and saves it, keeping the paths but not the texts', async () => {
    await useRunReports.getState().load('r-1');
    expect(useRunReports.getState().reports['r-1']).toMatchObject({ loading: false, report: { name: 'resnet' } });
    await useRunReports.getState().save('r-1');
    expect(useRunReports.getState().reports['r-1']!.saved).toEqual({
      files: { markdown: '/d/report.md', html: '/d/report.html' },
      pdf: { status: 'desktop-only' },
    });
    expect(calls).toEqual([
      ['runs.report', { runId: 'r-1' }],
      ['runs.saveReport', { runId: 'r-1' }],
    ]);
    // The same report again: the saved files still say what it says.
    await useRunReports.getState().load('r-1');
    expect(useRunReports.getState().reports['r-1']!.saved).toBeDefined();
  });

  it('stops showing saved files as current once the report changed (a teardown since)', async () => {
    await useRunReports.getState().load('r-1');
    await useRunReports.getState().save('r-1');
    resources = 'all gone';
    await useRunReports.getState().load('r-1');
    expect(useRunReports.getState().reports['r-1']).toMatchObject({ report: { resources: { summary: 'all gone' } } });
    expect(useRunReports.getState().reports['r-1']!.saved).toBeUndefined();
  });
});
