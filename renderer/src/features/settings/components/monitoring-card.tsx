import { type FormEvent, useState } from 'react';

import { type AppSettings, MONITORING_BOUNDS } from '../../../../../shared/domain/settings';
import type { AppError } from '../../../../../shared/ipc/result';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { Disclosure } from '../../../components/disclosure';
import { ErrorCallout } from '../../../components/error-callout';
import { Field } from '../../../components/forms/field';
import { plainSettingsError } from './settings-error';

import './settings-cards.css';

type Draft = Record<'interval' | 'minutes' | 'gpu' | 'cpu', string>;

const draftOf = (m: AppSettings['monitoring']): Draft => ({
  interval: String(m.sampleIntervalSeconds),
  minutes: String(m.stall.minutes),
  gpu: String(m.stall.gpuIdlePct),
  cpu: String(m.stall.cpuIdlePct),
});
// What the user typed goes to main as it is (a number when it reads as one); main bounds it and says why not.
const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/**
 * How runs without their own monitoring section are watched: sample interval and the stall rule.
 * When main answers new values, the fields show them again (what main saved, not what was typed).
 */
export function MonitoringCard({
  monitoring,
  error,
  saving,
  onSave,
}: {
  monitoring: AppSettings['monitoring'];
  error: AppError | undefined;
  saving: boolean;
  /** Sends the values as typed; main bounds them and answers whether it saved them. */
  onSave: (values: { sampleIntervalSeconds: number; stall: AppSettings['monitoring']['stall'] }) => Promise<boolean>;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(monitoring));
  const [saved, setSaved] = useState(false);
  const [shown, setShown] = useState(monitoring);
  if (shown !== monitoring) {
    setShown(monitoring);
    setDraft(draftOf(monitoring));
  }
  const field = (key: keyof Draft, label: string, unit: string, bounds: { min: number; max: number }) => (
    <Field label={label} name={`settings.${key}`} hint={`${bounds.min}–${bounds.max} ${unit}`}>
      <input
        className="input tabular"
        inputMode="numeric"
        value={draft[key]}
        onChange={(e) => {
          setSaved(false);
          setDraft({ ...draft, [key]: e.target.value });
        }}
      />
    </Field>
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await onSave({
      sampleIntervalSeconds: numberOf(draft.interval),
      stall: { minutes: numberOf(draft.minutes), gpuIdlePct: numberOf(draft.gpu), cpuIdlePct: numberOf(draft.cpu) },
    });
    setSaved(ok);
  };
  const changed = JSON.stringify(draft) !== JSON.stringify(draftOf(monitoring));
  return (
    <Card title="Monitoring" subtitle="For runs whose config does not set its own" testId="settings-monitoring">
      <form className="settings-card__body" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field-grid">
          {field('interval', 'Sample every', 'seconds', MONITORING_BOUNDS.sampleIntervalSeconds)}
          {field('minutes', 'Stalled after', 'minutes', MONITORING_BOUNDS.stallMinutes)}
          {field('gpu', 'GPU idle at or under', '%', MONITORING_BOUNDS.idlePct)}
          {field('cpu', 'CPU idle at or under', '%', MONITORING_BOUNDS.idlePct)}
        </div>
        <Disclosure summary="What counts as stalled">
          No new log line and the GPU (or, on a machine without GPUs, the CPU) at or under its idle threshold for the
          whole time. A run config's monitoring section wins over these values.
        </Disclosure>
        <div className="settings-card__actions">
          <span className="card-meta" role="status" data-testid="monitoring-status">
            {saved && !changed ? 'Saved' : ''}
          </span>
          <Button type="submit" variant="primary" loading={saving} disabled={!changed} data-testid="monitoring-save">
            Save
          </Button>
        </div>
        {error && <ErrorCallout error={plainSettingsError(error)} />}
      </form>
    </Card>
  );
}
