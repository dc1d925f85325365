import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { fakeRegionFactor } from '../../main/aws/fake/fake-price-list';
import type { AttachEntry } from '../../main/runs/reattach/attach-journal';
import type { RunEvent } from '../../shared/domain/run';
import { HOURS_PER_MONTH, PRICE_TABLE } from '../../shared/pricing/price-table';
import {
  collectProblems,
  expectAccessibleLightAndDark,
  openApp,
  shotAtWidths,
  useDataDirOnDisk,
  useWebHost,
} from './support';

/**
 * What the reattach banner says an unfinished EC2 run still bills (#17), through the browser host on
 * the demo account: the monitor's prices of the run's own region (the fake Price List scales each
 * region's), its market (a spot instance at its zone's price now, from the fake spot history) and its
 * disk, dated. It said the bundled us-east-1 on-demand hour of the type whatever ran (~$1.02/h here).
 */
test.describe.configure({ timeout: 120_000 });

const SPOT_RUN = 'spot-eu-20261206-090000-ab12';
const ON_DEMAND_RUN = 'od-usw2-20261206-091000-cd34';
const DEAD_PID = 999_999_999;

const jsonl = (entries: unknown[]) => entries.map((e) => JSON.stringify(e)).join('\n') + '\n';

function writeRun(dataDir: string, runId: string, events: Array<Record<string, unknown>>, attach: AttachEntry[]) {
  const runDir = join(dataDir, 'runs', runId);
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const at = new Date(Date.now() - 20 * 60_000).toISOString();
  writeFileSync(
    join(runDir, 'events.jsonl'),
    jsonl(events.map((e, i) => ({ runId, seq: i + 1, at, ...e }) as RunEvent)),
    { mode: 0o600 },
  );
  writeFileSync(join(runDir, 'attach.jsonl'), jsonl(attach.map((e) => ({ ...e, at }))), { mode: 0o600 });
}

const storage = { bucket: 'acme-ml-data', prefix: 'runs/a', sseKeyFile: '/nonexistent.key', localRoot: 'data' };
const runEntry = (name: string, region: string): AttachEntry => ({
  type: 'run',
  pid: DEAD_PID,
  backend: 'aws-ec2',
  name,
  aws: { region },
  storage: storage as never,
  baseDir: '/tmp',
});

const { env } = useDataDirOnDisk('reattach-prices', (dataDir) => {
  const trained = ['preflight', 'provisioning', 'connecting', 'bootstrapping', 'checkout', 'pulling', 'verifying'];
  // A spot g5.xlarge in eu-west-1b, killed while it trained: its machine is journaled (type, market, zone, disk).
  writeRun(
    dataDir,
    SPOT_RUN,
    [
      { type: 'started', name: 'bert-spot', backend: 'aws-ec2' },
      ...trained.map((phase) => ({ type: 'phase', phase, status: 'succeeded' })),
      { type: 'phase', phase: 'training', status: 'running' },
    ],
    [
      runEntry('bert-spot', 'eu-west-1'),
      {
        type: 'machine',
        target: {
          kind: 'ssh',
          host: '127.0.0.1',
          port: 9,
          username: 'ubuntu',
          identityFile: '/nonexistent',
          hostKeyFingerprints: [],
        },
        workDir: '/var/tmp/traindeck/x',
        storage: { bucket: 'acme-ml-data', prefix: 'runs/a', region: 'eu-west-1', folders: [] },
        sendS3Credentials: false,
        deadline: Date.now() + 3_600_000,
        aws: {
          instanceId: 'i-0spot00000000001',
          region: 'eu-west-1',
          instanceType: 'g5.xlarge',
          diskGb: 200,
          spot: true,
          zone: 'eu-west-1b',
          launchedAt: Date.now() - 19 * 60_000,
        },
      },
    ],
  );
  // An on-demand g5.2xlarge in us-west-2, killed while provisioning: the preflight's type and disk.
  writeRun(
    dataDir,
    ON_DEMAND_RUN,
    [
      { type: 'started', name: 'llama-od', backend: 'aws-ec2' },
      {
        type: 'phase',
        phase: 'preflight',
        status: 'succeeded',
        detail: { instanceType: 'g5.2xlarge', diskGb: 100, market: 'on-demand' },
      },
      { type: 'phase', phase: 'provisioning', status: 'running' },
    ],
    [runEntry('llama-od', 'us-west-2')],
  );
});
const host = useWebHost(env);

const dollars = (text: string) => Number(/still billing (?:about|at most) \$(\d+\.\d+)\/h/.exec(text)?.[1]);

test('the banner prices each unfinished run as the monitor would: its region, its market and zone, its disk, dated', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);
  await expect(page.getByRole('region', { name: '2 unfinished runs' })).toBeVisible();

  const spot = page.getByTestId(`unfinished-${SPOT_RUN}`);
  // Priced within main's bounded wait, or "reading its prices…" first and then asked again (a loaded machine).
  const priced = { timeout: 30_000 };
  await expect(spot).toContainText('AWS EC2 g5.xlarge (spot, eu-west-1b) · still billing about $0.', priced);
  await expect(page.getByTestId(`unfinished-basis-${SPOT_RUN}`)).toHaveText(
    /^Spot price now in eu-west-1b \(EC2's price history\)\. Priced at AWS prices of eu-west-1 of \d{4}-\d\d-\d\d\.$/,
  );
  // The fake market is 30–40 % of on-demand: far below the bundled on-demand hour the banner used to say.
  const spotHour = dollars((await spot.textContent()) ?? '');
  const onDemand = PRICE_TABLE.instanceHourly['g5.xlarge']!;
  expect(spotHour).toBeGreaterThan(0.3 * onDemand);
  expect(spotHour).toBeLessThan(0.5 * onDemand);

  const od = page.getByTestId(`unfinished-${ON_DEMAND_RUN}`);
  await expect(od).toContainText('AWS EC2 g5.2xlarge (on-demand, us-west-2) · still billing about $1.', priced);
  await expect(page.getByTestId(`unfinished-basis-${ON_DEMAND_RUN}`)).toHaveText(
    /^Priced at AWS prices of us-west-2 of \d{4}-\d\d-\d\d\.$/,
  );
  // us-west-2's Price List (the fake scales every price of the region): the type, its IPv4, its 100 GB gp3.
  const factor = fakeRegionFactor('us-west-2');
  const hour =
    factor *
    (PRICE_TABLE.instanceHourly['g5.2xlarge']! +
      PRICE_TABLE.publicIpv4Hourly +
      (PRICE_TABLE.ebsGbMonth.gp3! * 100) / HOURS_PER_MONTH);
  expect(factor).toBeGreaterThan(1);
  expect(Math.abs(dollars((await od.textContent()) ?? '') - hour)).toBeLessThan(0.006);

  await expectAccessibleLightAndDark(page, 'the reattach banner with prices');
  await shotAtWidths(page, 'reattach-banner-prices');
  expect(problems).toEqual([]);
});
