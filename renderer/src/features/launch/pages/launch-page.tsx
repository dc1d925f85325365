import { useWizard } from '../stores/wizard';
import { StartView } from './start-view';
import { WizardView } from './wizard-view';

/** Launch: the start screen (templates, readiness) or the open wizard. */
export function LaunchPage() {
  const open = useWizard((s) => s.open);
  return open ? <WizardView /> : <StartView />;
}
