import type { RunSnapshot } from '../../../../../shared/domain/run';
import { Badge, type BadgeTone } from '../../../components/badge';

/** How each run state reads as a badge, the same in the monitor, the report and the history. */
const RUN_STATE_BADGES: Record<RunSnapshot['state'], { label: string; tone: BadgeTone }> = {
  running: { label: 'Running', tone: 'info' },
  succeeded: { label: 'Succeeded', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
};

/** A run's state (its outcome once it ended) as a badge: "Running", "Succeeded", "Failed", "Cancelled". */
export function RunStateBadge({ state }: { state: RunSnapshot['state'] }) {
  const { label, tone } = RUN_STATE_BADGES[state];
  return <Badge tone={tone}>{label}</Badge>;
}
