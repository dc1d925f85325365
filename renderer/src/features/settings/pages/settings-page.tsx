import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { DoctorChecklist, DoctorChecklistSkeleton } from '../../../components/doctor/doctor-checklist';
import { DoctorSummary } from '../../../components/doctor/doctor-summary';
import { ErrorCallout } from '../../../components/error-callout';
import { RefreshIcon } from '../../../components/icons/ui-icons';
import { formatClock } from '../../../format/time';
import { useApp } from '../../../stores/app';
import { AboutCard } from '../components/about-card';

/** Settings: the doctor report as a live checklist, and About. */
export function SettingsPage() {
  const doctor = useApp((s) => s.doctor);
  const loadDoctor = useApp((s) => s.loadDoctor);
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  const report = doctor.report;
  return (
    <div className="page-grid">
      <Card
        title="Environment check"
        subtitle={report ? <DoctorSummary checks={report.checks} /> : 'What TrainDeck would use if it ran now'}
        actions={
          <>
            {report && <span className="card-meta tabular">Checked {formatClock(report.generatedAt)}</span>}
            {/* The label stays put while loading (the spinner says it) so the header does not shift. */}
            <Button
              icon={<RefreshIcon size={14} />}
              loading={doctor.loading}
              onClick={() => void loadDoctor()}
              data-testid="doctor-recheck"
            >
              Re-check
            </Button>
          </>
        }
        testId="doctor-card"
      >
        {doctor.error && (
          <div className="card-error">
            <ErrorCallout error={doctor.error} title="The check could not run" />
          </div>
        )}
        {report ? <DoctorChecklist checks={report.checks} /> : !doctor.error && <DoctorChecklistSkeleton />}
      </Card>
      <div className="page-column">
        {info && <AboutCard info={info} />}
        {!info && infoError && (
          <Card title="About">
            <div className="card-message">
              <ErrorCallout error={infoError} />
            </div>
          </Card>
        )}
      </div>
    </div>
  );
}
