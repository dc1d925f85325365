import { parseArgs } from 'node:util';

import type { DoctorReport } from '../../../shared/domain/doctor';
import { runDoctor } from '../../composition/doctor';
import { appDataDir } from '../../core/app-paths';
import { defaultLifecycleDeps, homeTarget } from '../../lifecycle/lifecycle-deps';
import { priceSourceOf } from '../../lifecycle/pricing/price-source';
import type { CliCommand } from '../command';
import { parseCommandArgs } from '../parse-args';

const MARKS = { pass: '✓', warn: '!', fail: '✗', info: '·' } as const;

/** Renders the doctor report as aligned lines, fixes indented under their check. */
function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.label.length));
  const lines = report.checks.flatMap((check) => {
    const line = `${MARKS[check.status]} ${check.label.padEnd(width)}  ${check.value}`;
    return check.fix ? [line, `  ${' '.repeat(width)}  → ${check.fix}`] : [line];
  });
  return lines.join('\n') + '\n';
}

/** `traindeck doctor`: what TrainDeck would use right now; exits 1 when a check fails. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'show the AWS profile, region, endpoints and runtime TrainDeck would use',
  usage: 'traindeck doctor [--json]',
  async run(args, io) {
    const { json } = parseCommandArgs(this.usage, () =>
      parseArgs({ args, options: { json: { type: 'boolean', default: false } } }),
    ).values;
    const report = await runDoctor({
      env: io.env,
      projectRoot: io.projectRoot,
      dataDir: appDataDir(io.env),
      nodeVersion: process.version,
      // The one price source (its disk cache in the data folder, else one Price List call).
      prices: async (region, signal) => {
        const deps = defaultLifecycleDeps(io.env);
        return priceSourceOf(deps).forRegion(await homeTarget(io.env, region), signal);
      },
    });
    io.out(json ? JSON.stringify(report, null, 2) + '\n' : formatDoctorReport(report));
    return report.checks.some((check) => check.status === 'fail') ? 1 : 0;
  },
};
