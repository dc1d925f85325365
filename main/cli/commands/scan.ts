import { parseArgs } from 'node:util';

import { TypedError } from '../../../shared/ipc/result';
import { scanAccount } from '../../lifecycle/cost/scanner';
import { defaultLifecycleDeps, homeTarget, type LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { priceSourceOf } from '../../lifecycle/pricing/price-source';
import type { CliCommand, CliIo } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { formatScan } from '../lifecycle/format';
import { reportUnfinishedRuns } from '../lifecycle/unfinished-runs';
import { parseCommandArgs } from '../parse-args';

/** `traindeck scan [--all-regions] [--region R] [--json]`: every cost resource, with $/hour. */
export function createScanCommand(
  makeDeps: (io: CliIo) => LifecycleDeps = (io) => defaultLifecycleDeps(io.env),
): CliCommand {
  return {
    name: 'scan',
    summary: 'list cost resources (instances, volumes, snapshots, IPs, NAT, load balancers) with $/hour',
    usage: 'traindeck scan [--all-regions] [--region R] [--json]',
    async run(args, io) {
      const { values } = parseCommandArgs(this.usage, () =>
        parseArgs({
          args,
          options: {
            'all-regions': { type: 'boolean', default: false },
            region: { type: 'string' },
            json: { type: 'boolean', default: false },
          },
        }),
      );
      return asCli(async () => {
        const deps = makeDeps(io);
        const target = await homeTarget(deps.env, values.region);
        if (!values.json) await reportUnfinishedRuns(deps, io);
        const scan = await scanAccount({
          ports: deps.ports(target),
          clock: deps.clock,
          sleep: deps.sleep,
          signal: AbortSignal.timeout(5 * 60_000),
          prices: (region) => priceSourceOf(deps).forRegion({ ...target, region }),
          ...(values['all-regions'] ? {} : { regions: [target.region] }),
        });
        // A scan that read no region at all proves nothing: that is a failure, not "no cost".
        if (!scan.regions.some((region) => region.status === 'ok')) {
          throw new TypedError(
            'UNAVAILABLE',
            `No region could be read: ${scan.regions.map((r) => `${r.region}: ${r.reason ?? r.status}`).join('; ')}.`,
            { fix: 'Check the credentials and the network (`traindeck doctor`).' },
          );
        }
        io.out(values.json ? JSON.stringify(scan, null, 2) + '\n' : formatScan(scan));
        return 0;
      });
    },
  };
}

/** The real command. */
export const scanCommand = createScanCommand();
