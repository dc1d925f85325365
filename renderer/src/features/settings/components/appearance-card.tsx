import { type Theme, THEMES } from '../../../../../shared/domain/settings';
import { Card } from '../../../components/card';
import { Segmented } from '../../../components/forms/segmented';

import './settings-cards.css';

const LABELS: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** The theme: applied at once, saved by main. */
export function AppearanceCard({ theme, onChange }: { theme: Theme; onChange: (theme: Theme) => void }) {
  return (
    <Card title="Appearance" testId="settings-appearance">
      <div className="settings-card__body settings-row">
        <span className="field__label">Theme</span>
        <Segmented
          label="Theme"
          name="theme"
          value={theme}
          options={THEMES.map((value) => ({ value, label: LABELS[value] }))}
          onChange={onChange}
        />
      </div>
    </Card>
  );
}
