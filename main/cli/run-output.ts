import type { RunEvent } from '../../shared/domain/run';
import { formatCostTotal } from '../../shared/report/format';
import { formatBytes } from '../../shared/report/format';
import { attemptEndWords } from '../../shared/report/run-attempts';

/** One run event as the CLI prints it (empty for events not worth a line). */
export function formatRunEvent(event: RunEvent): string {
  switch (event.type) {
    case 'started':
      return `Run ${event.runId} on ${event.backend}${event.host ? ` (${event.host})` : ''}\n`;
    case 'phase':
      // A running phase's progress (a provisioning step or wait) is a line under it.
      if (event.status === 'running') {
        return typeof event.detail?.progress === 'string' ? `  · ${event.detail.progress}\n` : `→ ${event.phase}\n`;
      }
      if (event.status === 'failed') {
        return `✗ ${event.phase}: ${event.reason ?? 'failed'}${event.fix ? `\n  fix: ${event.fix}` : ''}\n`;
      }
      return `✓ ${event.phase}\n`;
    case 'log':
      return event.source === 'train' ? `  | ${event.line}\n` : `  · ${event.line}\n`;
    case 'host-key':
      return `  host key ${event.fingerprint}${event.firstSight ? ' (first sight, pinned for this run)' : ''}\n`;
    case 'sync':
      // Only the final figures: the live ones arrive about once a second.
      if (event.folders.some((f) => f.state === 'running')) return '';
      return `  ${event.direction}: ${event.folders.map((f) => `${f.folder} ${f.filesDone}/${f.filesTotal} files ${formatBytes(f.bytesDone)}${f.deletesTotal ? `, ${f.deletesDone ?? 0} deleted` : ''}${f.failures ? ` (${f.failures} failed)` : ''}`).join(', ')}\n`;
    case 'sync-verified':
      return `  ${event.direction} verified: ${event.folders.map((f) => `${f.folder} ${f.ok ? '✓' : '✗'} ${f.checked} checked${f.mismatches ? `, ${f.mismatches} mismatched` : ''}`).join(', ')}\n`;
    case 'attempts': {
      // The newest attempt is the news: a relaunch adds one, an interruption ends one.
      const latest = event.attempts.at(-1);
      if (!latest) return '';
      return `  attempt ${latest.attempt}: ${latest.instanceId} ${latest.instanceType} ${latest.market} in ${latest.zone}, ${attemptEndWords(latest)}\n`;
    }
    case 'cost':
      return `  cost: ${formatCostTotal(event)} (estimate, prices as of ${event.pricesAsOf}; itemized in the run report)\n`;
    case 'finished':
      return `Run ${event.runId} ${event.outcome}${event.exitCode !== undefined && event.exitCode !== null ? ` (training exit code ${event.exitCode})` : ''}${event.reason ? `: ${event.reason}` : ''}\n`;
  }
}
