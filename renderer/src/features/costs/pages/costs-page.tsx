import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { type CostResource, isBillable } from '../../../../../shared/domain/cost';
import { countOf } from '../../../../../shared/text/plural';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { EmptyState } from '../../../components/empty-state';
import { ErrorCallout } from '../../../components/error-callout';
import { GlobeIcon, RefreshIcon } from '../../../components/icons/ui-icons';
import { CostsIllustration } from '../../../components/illustrations/costs-illustration';
import { Spinner } from '../../../components/spinner';
import { formatHourly } from '../../../format/money';
import { formatAgo } from '../../../format/time';
import { useNow } from '../../../hooks/use-now';
import { useJobs } from '../../../stores/jobs';
import { useRuns } from '../../runs/stores/runs';
import { BurnRate } from '../components/burn-rate';
import { KillDialog } from '../components/kill-dialog';
import { KillProgress } from '../components/kill-progress';
import { KillSwitch } from '../components/kill-switch';
import { RegionStrip } from '../components/region-strip';
import { ResourceTable } from '../components/resource-table';
import { type KillAllChoice, useCosts } from '../stores/costs';
import { killCardText } from '../view/kill-scope';
import {
  arrangeResources,
  groupByRun,
  type OwnerFilter,
  type ResourceOrder,
  scanIsStale,
  scanningText,
} from '../view/resource-view';

import './costs-page.css';

/** What the confirmation dialog lists; `runId` when it is one run's teardown, `row` for a row's Delete. */
interface Confirming {
  ours: CostResource[];
  untracked: CostResource[];
  runId?: string | undefined;
  row?: boolean;
}

const FILTERS: [OwnerFilter, string][] = [
  ['all', 'All'],
  ['ours', 'TrainDeck'],
  ['untracked', 'Untracked'],
];

/** Runs still training: deleting their instance would end the training without its push. */
function useTrainingRunIds(): ReadonlySet<string> {
  const ids = useRuns(
    useShallow((s) =>
      Object.values(s.runs)
        .filter((run) => run.state === 'running' && run.phases.training.status === 'running')
        .map((run) => run.runId),
    ),
  );
  return useMemo(() => new Set(ids), [ids]);
}

/** Costs: the spend rate, the kill switch, and every cost resource in every region. */
export function CostsPage() {
  const costs = useCosts(
    useShallow((s) => ({
      scan: s.scan,
      scanning: s.scanning,
      scanProgress: s.scanProgress,
      scanError: s.scanError,
      killJobId: s.killJobId,
      killScope: s.killScope,
      deletions: s.deletions,
      killError: s.killError,
      killResult: s.killResult,
    })),
  );
  const { runScan, startKillAll, startTeardownRun, dismissKill, requestUntrackedPhrase } = useCosts.getState();
  const killJob = useJobs((s) => (costs.killJobId ? s.jobs[costs.killJobId] : undefined));
  const trainingRunIds = useTrainingRunIds();
  const now = useNow(30_000);
  // What the dialog confirms: everything (kill-all), one run (its teardown) or one row.
  const [confirming, setConfirming] = useState<Confirming | undefined>();
  const [starting, setStarting] = useState(false);
  const [filter, setFilter] = useState<OwnerFilter>('all');
  const [order, setOrder] = useState<ResourceOrder>('scan');
  const { scan } = costs;
  // Opened: a scan older than a minute (or none) is redone in the background; the last one stays shown meanwhile.
  useEffect(() => {
    if (scanIsStale(useCosts.getState().scan?.scannedAt, Date.now())) void useCosts.getState().runScan();
  }, []);
  const killing = costs.killJobId !== undefined && (!killJob || killJob.state === 'running');
  const ours = scan?.resources.filter((r) => r.ours) ?? [];
  const untracked = scan?.resources.filter((r) => !r.ours && isBillable(r)) ?? [];
  const shown = scan ? arrangeResources(scan.resources, filter, order) : [];
  const runs = groupByRun(ours).filter((group) => group.runId !== undefined);
  const unavailable = !scan
    ? 'Scan all regions first: the button deletes exactly what the scan found.'
    : killing
      ? 'A kill-all is running.'
      : ours.length + untracked.length === 0
        ? 'Nothing to delete: the last scan found no cost resources.'
        : undefined;

  const confirm = async (choice: KillAllChoice) => {
    setStarting(true);
    const runId = confirming?.runId;
    const started = runId
      ? await startTeardownRun(runId, choice.resourceIds)
      : await startKillAll(choice, confirming?.row ? { kind: 'rows', count: choice.resourceIds.length } : undefined);
    setStarting(false);
    if (started) setConfirming(undefined);
  };

  const rescan = (
    <Button
      icon={<RefreshIcon size={14} />}
      loading={costs.scanning}
      onClick={() => void runScan()}
      disabled={killing}
      data-testid="rescan"
    >
      {scan ? 'Rescan' : 'Scan all regions'}
    </Button>
  );

  return (
    <>
      <section className="card costs-hero" aria-label="Spend rate and emergency stop" data-testid="costs-hero">
        <BurnRate
          dollarsPerHour={scan?.totalHourlyUsd}
          unpricedCount={scan?.unpricedCount}
          regionsScanned={scan?.regions.filter((r) => r.status === 'ok').length}
          resourcesFound={scan?.resources.filter(isBillable).length}
          lastScan={scan ? formatAgo(scan.scannedAt, now) : undefined}
          priceTableDate={scan?.priceTableDate}
          pricesNote={scan?.pricesNote}
          upperBoundCount={scan?.resources.filter((r) => r.upperBound).length}
        />
        <KillSwitch unavailableReason={unavailable} onKill={() => setConfirming({ ours, untracked })} />
      </section>
      {costs.killJobId && (
        <KillProgress
          job={killJob}
          result={costs.killResult}
          onDismiss={dismissKill}
          {...killCardText(costs.killScope, costs.killResult)}
          pointToCosts={false}
        />
      )}
      <Card
        title="Resources in every region"
        subtitle="Anything that bills by the hour or by the gigabyte, plus TrainDeck's key pairs and security groups"
        actions={scan ? rescan : undefined}
        testId="costs-resources"
      >
        {costs.scanError && (
          <div className="card-error">
            <ErrorCallout error={costs.scanError} title="The scan failed" />
          </div>
        )}
        {scan ? (
          <>
            {costs.scanning && (
              <p className="costs-rescan" role="status" data-testid="scan-progress">
                <Spinner size={12} /> {scanningText(costs.scanProgress)} The table shows the scan of{' '}
                {formatAgo(scan.scannedAt, now)} until it ends.
              </p>
            )}
            <RegionStrip regions={scan.regions} />
            {runs.length > 0 && (
              <ul className="costs-runs" aria-label="Runs holding resources" data-testid="costs-runs">
                {runs.map((group) => (
                  <li key={group.runId} className="costs-runs__run" data-testid={`costs-run-${group.runId}`}>
                    <span className="mono">{group.runId}</span>
                    <span className="costs-runs__meta">
                      {countOf(group.resources.length, 'resource')} ·{' '}
                      {formatHourly(group.resources.reduce((sum, r) => sum + (r.hourlyUsd ?? 0), 0))}
                      {trainingRunIds.has(group.runId!) ? ' · still training' : ''}
                    </span>
                    <Button
                      size="sm"
                      variant="danger"
                      unavailable={killing}
                      onClick={() => setConfirming({ ours: group.resources, untracked: [], runId: group.runId })}
                      data-testid={`teardown-run-${group.runId}`}
                    >
                      Tear down run
                    </Button>
                  </li>
                ))}
              </ul>
            )}
            {scan.resources.length ? (
              <>
                <div className="costs-filter" role="group" aria-label="Show">
                  {FILTERS.map(([value, label]) => (
                    <button
                      key={value}
                      type="button"
                      className="costs-filter__option"
                      aria-pressed={filter === value}
                      onClick={() => setFilter(value)}
                      data-testid={`filter-${value}`}
                    >
                      {label} (
                      {value === 'all' ? scan.resources.length : arrangeResources(scan.resources, value, 'scan').length}
                      )
                    </button>
                  ))}
                </div>
                <ResourceTable
                  resources={shown}
                  deletions={costs.deletions}
                  caption="Cost resources in every region"
                  testId="resource-table"
                  order={order}
                  onOrderChange={setOrder}
                  deleteDisabled={killing}
                  onDelete={(resource) =>
                    setConfirming(
                      resource.ours
                        ? { ours: [resource], untracked: [], row: true }
                        : { ours: [], untracked: [resource], row: true },
                    )
                  }
                />
              </>
            ) : (
              <EmptyState
                compact
                title="Nothing billable found"
                body="Every readable region is clean: $0/h."
                testId="costs-clean"
              />
            )}
          </>
        ) : (
          <EmptyState
            illustration={<CostsIllustration />}
            title={costs.scanning ? scanningText(costs.scanProgress) : 'No scan yet'}
            body="The scanner looks through every enabled region and lists each billable resource — instances, volumes, snapshots, addresses, NAT gateways, load balancers — with what it costs per hour and which run made it."
            action={
              <Button
                variant="primary"
                icon={<GlobeIcon size={15} />}
                loading={costs.scanning}
                onClick={() => void runScan()}
                data-testid="scan"
              >
                Scan all regions
              </Button>
            }
          />
        )}
      </Card>
      {confirming && (
        <KillDialog
          ours={confirming.ours}
          untracked={confirming.untracked}
          error={costs.killError}
          busy={starting}
          onConfirm={(choice) => void confirm(choice)}
          onClose={() => setConfirming(undefined)}
          requestPhrase={requestUntrackedPhrase}
          trainingRunIds={trainingRunIds}
          // A row's Delete of one untracked resource: that is what it asks for.
          untrackedChosen={confirming.ours.length === 0 && confirming.untracked.length > 0}
          {...(confirming.runId ? { title: `Tear down run ${confirming.runId}?` } : {})}
        />
      )}
    </>
  );
}
