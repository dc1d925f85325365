import { useState } from 'react';

import type { AppError } from '../../../../../shared/ipc/result';
import type { WebhookView } from '../../../../../shared/ipc/settings-commands';
import { WEBHOOK_FORMATS, type WebhookFormat } from '../../../../../shared/notify/webhook';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { ErrorCallout } from '../../../components/error-callout';
import { Field } from '../../../components/forms/field';

import './settings-cards.css';

const FORMAT_LABELS: Record<WebhookFormat, string> = {
  slack: 'Slack-compatible',
  ntfy: 'ntfy',
  json: 'Plain JSON POST',
};

interface WebhookCardProps {
  view: WebhookView | undefined;
  busy: boolean;
  error: AppError | undefined;
  tested: boolean;
  onSave: (url: string, format: WebhookFormat) => Promise<boolean>;
  onTest: () => void;
  onClear: () => void;
}

/**
 * The notification webhook: a URL kept by main like a secret (this page never reads it back: it
 * shows the host and how it is kept), its format, and a Test that posts one message.
 */
export function WebhookCard({ view, busy, error, tested, onSave, onTest, onClear }: WebhookCardProps) {
  const [url, setUrl] = useState('');
  // The saved format until the user picks one: the view arrives after the first render (a
  // reload showed "Slack" over a saved JSON webhook), so it cannot be the state's initial value.
  const [picked, setFormat] = useState<WebhookFormat | undefined>(undefined);
  const format = picked ?? view?.format ?? 'slack';
  const status =
    view === undefined
      ? 'Loading…'
      : view.set
        ? `${view.shown ?? 'Set'} (${FORMAT_LABELS[view.format ?? 'json']})`
        : 'Not set';
  return (
    <Card title="Webhook" subtitle="Notifications away from the desk" testId="settings-webhook">
      <form
        className="settings-card__body"
        onSubmit={(e) => {
          e.preventDefault();
          void onSave(url, format).then((saved) => {
            if (!saved) return;
            setUrl('');
            setFormat(undefined);
          });
        }}
      >
        <p data-testid="webhook-status">
          <strong>Webhook:</strong> <span className="settings-path">{status}</span>
        </p>
        {view?.set && (
          <p className="card-meta" data-testid="webhook-storage">
            {view.problem ??
              (view.storage === 'os-keychain'
                ? 'Sealed with the OS keychain, like the SSE-C keys: only this computer and user can read it.'
                : `Kept as a file only you can read (mode 0600).${view.note ? ` ${view.note}` : ''}`)}
          </p>
        )}
        <Field
          label={view?.set ? 'Replace the URL' : 'Webhook URL'}
          name="webhook-url"
          hint="https only (plain http to localhost). Kept by TrainDeck like a key: never shown again, never logged."
        >
          <input
            className="input input--mono"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={url}
            placeholder="https://hooks.slack.com/services/…"
            onChange={(e) => setUrl(e.target.value)}
            data-testid="webhook-url"
          />
        </Field>
        <Field label="Format" name="webhook-format">
          <select
            className="select"
            value={format}
            onChange={(e) => setFormat(e.target.value as WebhookFormat)}
            data-testid="webhook-format"
          >
            {WEBHOOK_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </Field>
        <div className="settings-card__actions">
          <Button
            type="submit"
            size="sm"
            variant="primary"
            disabled={busy || url.trim() === ''}
            data-testid="webhook-save"
          >
            Save
          </Button>
          <Button size="sm" onClick={onTest} disabled={busy || !view?.set} data-testid="webhook-test">
            Test
          </Button>
          <Button size="sm" onClick={onClear} disabled={busy || !view?.set} data-testid="webhook-clear">
            Remove
          </Button>
        </div>
        {tested && (
          <p role="status" data-testid="webhook-tested">
            The test notification arrived.
          </p>
        )}
      </form>
      {error && (
        <div className="settings-card__error">
          <ErrorCallout error={error} title="Webhook" />
        </div>
      )}
    </Card>
  );
}
