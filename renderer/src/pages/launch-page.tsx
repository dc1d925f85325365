import type { DoctorCheck } from '../../../shared/domain/doctor';
import { Button } from '../components/button';
import { Card } from '../components/card';
import { DoctorChecklistSkeleton } from '../components/doctor/doctor-checklist';
import { EmptyState } from '../components/empty-state';
import { ArrowRightIcon, LockIcon } from '../components/icons/ui-icons';
import { LaunchIllustration } from '../components/illustrations/launch-illustration';
import { ReadinessList } from '../components/launch/readiness-list';
import { WIZARD_STEPS, WizardSteps } from '../components/launch/wizard-steps';
import { useApp } from '../stores/app';
import { useNavigation } from '../stores/navigation';

/** Launch: what the wizard will ask, and whether AWS looks ready (from the doctor report). */
export function LaunchPage() {
  const report = useApp((s) => s.doctor.report);
  const navigate = useNavigation((s) => s.navigate);
  const awsChecks = report?.checks.filter((check) => check.id.startsWith('aws-')) ?? [];
  return (
    <div className="page-grid">
      <Card testId="launch-empty">
        <EmptyState
          headingLevel={2}
          illustration={<LaunchIllustration />}
          title="No run configured yet"
          body="The launch wizard walks you through six steps, checks everything in AWS before it creates anything, then starts your training with one click."
          action={
            <Button variant="primary" size="lg" unavailable aria-describedby="launch-note">
              Start the launch wizard
            </Button>
          }
          note={
            <>
              <LockIcon size={12} /> Arrives with the AWS lifecycle.
            </>
          }
          noteId="launch-note"
        />
        <WizardSteps steps={WIZARD_STEPS} />
      </Card>
      <Card title="Before you launch" subtitle="From the environment check" testId="launch-readiness">
        {report ? <ReadinessList checks={awsChecks} /> : <DoctorChecklistSkeleton rows={4} />}
        <div className="card-footer">
          <span>{report ? summarize(awsChecks) : 'Checking…'}</span>
          <Button size="sm" iconEnd={<ArrowRightIcon size={14} />} onClick={() => navigate('settings')}>
            Open Settings
          </Button>
        </div>
      </Card>
    </div>
  );
}

/** "3 need attention" or "All set" for the readiness footer. */
function summarize(checks: DoctorCheck[]): string {
  const problems = checks.filter((check) => check.status === 'warn' || check.status === 'fail').length;
  return problems ? `${problems} to fix before launch` : 'Ready for launch';
}
