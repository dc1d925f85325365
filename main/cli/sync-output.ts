import { formatBytes, formatDuration } from '../../shared/report/format';
import type { SyncEvent } from '../../shared/sync/events';
import { printable } from '../../shared/sync/printable';
import type { SyncPlan, SyncSummary } from '../../shared/sync/types';

/** The dry run's listing: one line per action that would move something, then skipped folders. */
export function formatPlan(plan: SyncPlan): string {
  const lines: string[] = [];
  for (const folder of plan.folders) {
    if (folder.note) {
      lines.push(`${folder.folder}: ${folder.note}`);
      continue;
    }
    const moving = folder.actions.filter((a) => a.type !== 'skip');
    const skipped = folder.actions.length - moving.length;
    lines.push(
      `${folder.folder} (${folder.policy}, s3://${plan.bucket}/${folder.remotePrefix}): ${moving.length} to do, ${skipped} skipped`,
    );
    for (const action of moving) {
      lines.push(
        `  ${action.type.padEnd(13)} ${printable(action.relPath)}${action.bytes ? ` (${formatBytes(action.bytes)})` : ''} — ${action.reason}`,
      );
    }
    for (const skipped of folder.skippedPaths) {
      lines.push(`  ${'skip'.padEnd(13)} ${printable(skipped.relPath)} — ${skipped.reason}`);
    }
    for (const failure of folder.failures) lines.push(`  ✗ ${failure.message}`);
  }
  return lines.join('\n') + '\n';
}

/** The closing lines of a sync: counts, bytes, rate, and every file that did not transfer. */
export function formatSummary(summary: SyncSummary): string {
  const rate = summary.seconds > 0 ? ` at ${formatBytes(summary.bytes / summary.seconds)}/s` : '';
  const passed = summary.skippedPaths.length ? `, ${summary.skippedPaths.length} skipped` : '';
  const head = `${summary.direction}: ${summary.uploaded} uploaded, ${summary.downloaded} downloaded, ${summary.deleted} deleted, ${summary.skipped} unchanged${passed}; ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(1)} s${rate}${summary.cancelled ? ' (cancelled)' : ''}`;
  const skipped = summary.skippedPaths.map((s) => `  - ${s.folder}/${printable(s.relPath)}: ${s.reason}`);
  const failures = summary.failures.map((f) => `  ✗ ${f.folder}/${printable(f.relPath)} (${f.action}): ${f.message}`);
  const unencrypted = (summary.unencrypted ?? []).map((key) => `  ! ${printable(key)}`);
  const conflicts = (summary.conflicts ?? []).map(
    (c) => `  ! ${c.folder}/${printable(c.relPath)}: ${c.reason} (${printable(c.conflictKey)})`,
  );
  return (
    [
      head,
      ...(skipped.length ? [`${skipped.length} path(s) skipped by policy:`, ...skipped] : []),
      ...(failures.length ? [`${failures.length} file(s) did not transfer:`, ...failures] : []),
      ...(conflicts.length
        ? [
            `${conflicts.length} conflict(s), both copies kept (compare them and delete the one you do not want):`,
            ...conflicts,
          ]
        : []),
      ...(unencrypted.length
        ? [
            `${unencrypted.length} object(s) stored without SSE-C (encrypt them with your key: traindeck sync encrypt --config run.json):`,
            ...unencrypted,
          ]
        : []),
    ].join('\n') + '\n'
  );
}

/** A one-line progress status for a terminal. */
export function formatProgress(event: Extract<SyncEvent, { type: 'progress' }>): string {
  const p = event.progress;
  const eta = p.etaSeconds !== undefined ? `, ETA ${formatDuration(p.etaSeconds)}` : '';
  const deletes = p.deletesTotal ? `, ${p.deletesDone ?? 0}/${p.deletesTotal} deleted` : '';
  return `${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}${deletes}, ${formatBytes(p.bytesPerSecond)}/s${eta}`;
}
