import type { CostResource } from '../../../../../shared/domain/cost';
import { Badge } from '../../../components/badge';
import { formatAgeHours, formatHourly } from '../../../format/money';
import { KIND_LABELS, shortId } from '../../../format/resources';
import type { DeletionStatus } from '../stores/costs';
import { DeletionMark } from './deletion-mark';

import './resource-table.css';

interface ResourceTableProps {
  resources: CostResource[];
  /** Per-resource kill-all progress, when one is running or just ended. */
  deletions?: Record<string, DeletionStatus>;
  caption: string;
  /** Leave out the Owner column (the dialog groups by owner already). */
  compact?: boolean;
  testId?: string;
}

/** Every cost resource of a scan: where, what, since when, what it costs, and who made it. */
export function ResourceTable({ resources, deletions, caption, compact = false, testId }: ResourceTableProps) {
  return (
    // Focusable so keyboard users can scroll it sideways on narrow windows.
    <div className="resource-table__scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="resource-table table-head" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Region</th>
            <th scope="col">Resource</th>
            <th scope="col">ID</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Age
            </th>
            <th scope="col" className="num">
              $/h
            </th>
            {!compact && <th scope="col">Owner</th>}
          </tr>
        </thead>
        <tbody>
          {resources.map((resource) => {
            const deletion = deletions?.[resource.id];
            return (
              <tr
                key={`${resource.region}/${resource.id}`}
                data-testid={`resource-${resource.id}`}
                data-ours={resource.ours}
                data-deletion={deletion?.state}
              >
                <td className="mono nowrap">{resource.region}</td>
                <td>
                  <span className="resource-table__kind">{KIND_LABELS[resource.kind]}</span>
                  <span className="resource-table__type" title={resource.type}>
                    {typeLabel(resource)}
                  </span>
                </td>
                <td className="mono selectable" title={resource.id}>
                  {shortId(resource.id)}
                </td>
                <td>
                  {deletion ? (
                    <DeletionMark status={deletion} />
                  ) : (
                    <span className="resource-table__state">{resource.state}</span>
                  )}
                </td>
                <td className="num tabular nowrap">{formatAgeHours(resource.ageHours)}</td>
                <td className="num tabular">{formatHourly(resource.hourlyUsd)}</td>
                {!compact && <OwnerCell resource={resource} />}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// "key pair traindeck-run-…" under "Key pair" says it twice: keep the name only.
function typeLabel(resource: CostResource): string {
  return resource.kind === 'key-pair' || resource.kind === 'security-group'
    ? resource.type.replace(/^(key pair|security group)\s+/, '')
    : resource.type;
}

function OwnerCell({ resource }: { resource: CostResource }) {
  return (
    <td>
      {resource.ours ? (
        <Badge tone="accent" title={resource.runId ? `Run ${resource.runId}` : 'Tagged by TrainDeck'}>
          TrainDeck
        </Badge>
      ) : (
        <Badge tone="warn" title="Not tagged by TrainDeck: only deleted with a typed confirmation">
          Untracked
        </Badge>
      )}
      {resource.runId && (
        <span className="resource-table__run mono" title={resource.runId}>
          {resource.runId}
        </span>
      )}
    </td>
  );
}
