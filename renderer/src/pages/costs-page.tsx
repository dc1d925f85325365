import { Button } from '../components/button';
import { Card } from '../components/card';
import { BurnRate } from '../components/costs/burn-rate';
import { KillSwitch } from '../components/costs/kill-switch';
import { EmptyState } from '../components/empty-state';
import { GlobeIcon, LockIcon } from '../components/icons/ui-icons';
import { CostsIllustration } from '../components/illustrations/costs-illustration';
import './costs-page.css';

/** Shown beside every action that needs the scanner, until it exists. */
const SCANNER_PENDING = 'Available once the all-region scanner arrives with the AWS lifecycle.';

/**
 * Costs: the spend rate, the kill switch and the all-region resource list. The scanner
 * is not built yet, so the numbers say "—" and the actions say why they cannot run.
 */
export function CostsPage() {
  return (
    <div className="page-content">
      <section className="card costs-hero" aria-label="Spend rate and emergency stop" data-testid="costs-hero">
        <BurnRate dollarsPerHour={undefined} regionsScanned={undefined} resourcesFound={undefined} lastScan={undefined} />
        <KillSwitch unavailableReason={SCANNER_PENDING} onKill={() => {}} />
      </section>
      <Card title="Resources in every region" subtitle="Anything that bills by the hour or by the gigabyte" testId="costs-resources">
        <EmptyState
          illustration={<CostsIllustration />}
          title="No scan yet"
          body="The scanner will look through every enabled region and list each billable resource — instances, volumes, snapshots, addresses — with what it costs per hour and which run made it."
          action={
            <Button variant="primary" icon={<GlobeIcon size={15} />} unavailable aria-describedby="scan-note">
              Scan all regions
            </Button>
          }
          note={
            <>
              <LockIcon size={12} /> {SCANNER_PENDING}
            </>
          }
          noteId="scan-note"
        />
      </Card>
    </div>
  );
}
