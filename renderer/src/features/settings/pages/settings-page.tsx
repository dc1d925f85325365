import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { DoctorChecklist, DoctorChecklistSkeleton } from '../../../components/doctor/doctor-checklist';
import { DoctorSummary } from '../../../components/doctor/doctor-summary';
import { ErrorCallout } from '../../../components/error-callout';
import { RefreshIcon } from '../../../components/icons/ui-icons';
import { formatClock } from '../../../format/time';
import { useApp } from '../../../stores/app';
import { useSettings } from '../../../stores/settings';
import { AboutCard } from '../components/about-card';
import { AppearanceCard } from '../components/appearance-card';
import { AwsDefaultsCard } from '../components/aws-defaults-card';
import { DataFolderCard } from '../components/data-folder-card';
import { MonitoringCard } from '../components/monitoring-card';
import { NotificationsCard } from '../components/notifications-card';
import { WebhookCard } from '../components/webhook-card';
import { useWebhook } from '../stores/webhook';

/** Settings: what the user chooses (main keeps it) beside the environment check and About. */
export function SettingsPage() {
  const doctor = useApp((s) => s.doctor);
  const loadDoctor = useApp((s) => s.loadDoctor);
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  const report = doctor.report;
  const store = useSettings(
    useShallow((s) => ({
      settings: s.settings,
      problem: s.problem,
      loadError: s.loadError,
      errors: s.errors,
      saving: s.saving,
      regions: s.regions,
      profiles: s.profiles,
    })),
  );
  const { settings, problem, loadError, errors, saving } = store;
  const webhook = useWebhook(useShallow((s) => ({ view: s.view, busy: s.busy, error: s.error, tested: s.tested })));
  useEffect(() => void useWebhook.getState().load(), []);
  const update = useSettings((s) => s.update);
  const profile = settings?.aws.profile;
  useEffect(() => {
    void useSettings.getState().loadProfiles();
  }, []);
  // Which regions are enabled depends on the account, so on the profile.
  const loaded = settings !== undefined;
  useEffect(() => {
    if (loaded) void useSettings.getState().loadRegions(profile);
  }, [profile, loaded]);
  const browser = info?.transport === 'web';
  return (
    <div className="page-grid page-grid--halves">
      <div className="page-column" data-testid="settings-column">
        {problem && <ErrorCallout error={{ code: 'CONFLICT', message: problem }} title="Settings reset" />}
        {loadError && <ErrorCallout error={loadError} title="The settings could not be loaded" />}
        {settings && (
          <>
            <AwsDefaultsCard
              aws={settings.aws}
              profiles={store.profiles}
              regions={store.regions}
              error={errors.aws}
              onChange={(aws) => void update('aws', { aws })}
            />
            <MonitoringCard
              monitoring={settings.monitoring}
              error={errors.monitoring}
              saving={saving.monitoring === true}
              onSave={(monitoring) => update('monitoring', { monitoring })}
            />
            <NotificationsCard
              notifications={settings.notifications}
              error={errors.notifications}
              onChange={(topic, on) => void update('notifications', { notifications: { [topic]: on } })}
            />
            <WebhookCard
              {...webhook}
              onSave={(url, format) => useWebhook.getState().save(url, format)}
              onTest={() => void useWebhook.getState().test()}
              onClear={() => void useWebhook.getState().clear()}
            />
            <AppearanceCard theme={settings.theme} onChange={(theme) => void update('theme', { theme })} />
            <DataFolderCard
              folder={settings.dataFolder}
              browser={browser}
              error={errors.dataFolder}
              saving={saving.dataFolder === true}
              onChoose={(path) => useSettings.getState().chooseDataFolder(path)}
              onReset={() => void useSettings.getState().resetDataFolder()}
            />
          </>
        )}
      </div>
      <div className="page-column">
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
