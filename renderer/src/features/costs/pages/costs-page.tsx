import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { isBillable } from '../../../../../shared/domain/cost';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { EmptyState } from '../../../components/empty-state';
import { ErrorCallout } from '../../../components/error-callout';
import { GlobeIcon, RefreshIcon } from '../../../components/icons/ui-icons';
import { CostsIllustration } from '../../../components/illustrations/costs-illustration';
import { formatAgo } from '../../../format/time';
import { useNow } from '../../../hooks/use-now';
import { useJobs } from '../../../stores/jobs';
import { BurnRate } from '../components/burn-rate';
import { KillDialog } from '../components/kill-dialog';
import { KillProgress } from '../components/kill-progress';
import { KillSwitch } from '../components/kill-switch';
import { RegionStrip } from '../components/region-strip';
import { ResourceTable } from '../components/resource-table';
import { type KillAllChoice, useCosts } from '../stores/costs';

import './costs-page.css';

/** Costs: the spend rate, the kill switch, and every cost resource in every region. */
export function CostsPage() {
  const costs = useCosts(
    useShallow((s) => ({
      scan: s.scan,
      scanning: s.scanning,
      scanError: s.scanError,
      killJobId: s.killJobId,
      deletions: s.deletions,
      killError: s.killError,
      killResult: s.killResult,
    })),
  );
  const { runScan, startKillAll, dismissKill, requestUntrackedPhrase } = useCosts.getState();
  const killJob = useJobs((s) => (costs.killJobId ? s.jobs[costs.killJobId] : undefined));
  const now = useNow(30_000);
  const [confirming, setConfirming] = useState(false);
  const [starting, setStarting] = useState(false);
  const { scan } = costs;
  const killing = costs.killJobId !== undefined && (!killJob || killJob.state === 'running');
  const ours = scan?.resources.filter((r) => r.ours) ?? [];
  const untracked = scan?.resources.filter((r) => !r.ours && isBillable(r)) ?? [];
  const unavailable = !scan
    ? 'Scan all regions first: the button deletes exactly what the scan found.'
    : killing
      ? 'A kill-all is running.'
      : ours.length + untracked.length === 0
        ? 'Nothing to delete: the last scan found no cost resources.'
        : undefined;

  const confirm = async (choice: KillAllChoice) => {
    setStarting(true);
    const started = await startKillAll(choice);
    setStarting(false);
    if (started) setConfirming(false);
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
        />
        <KillSwitch unavailableReason={unavailable} onKill={() => setConfirming(true)} />
      </section>
      {costs.killJobId && (
        <KillProgress
          job={killJob}
          result={costs.killResult}
          onDismiss={dismissKill}
          // "0 cost resources remain" only when it is true of the whole account, not just of the selection.
          cleanTitle={
            costs.killResult?.rescan.resources.some(isBillable)
              ? 'None of the deleted resources remain'
              : '0 cost resources remain'
          }
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
            <RegionStrip regions={scan.regions} />
            {scan.resources.length ? (
              <ResourceTable
                resources={scan.resources}
                deletions={costs.deletions}
                caption="Cost resources in every region"
                testId="resource-table"
              />
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
            title={costs.scanning ? 'Scanning every region…' : 'No scan yet'}
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
          ours={ours}
          untracked={untracked}
          error={costs.killError}
          busy={starting}
          onConfirm={(choice) => void confirm(choice)}
          onClose={() => setConfirming(false)}
          requestPhrase={requestUntrackedPhrase}
        />
      )}
    </>
  );
}
