import type { CostResource } from '../../../../../shared/domain/cost';
import { Badge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { formatAgeHours, formatHourly } from '../../../format/money';
import { compactRunId, KIND_LABELS, shortId } from '../../../format/resources';
import type { DeletionStatus } from '../stores/costs';
import { nameTag, type ResourceOrder } from '../view/resource-view';
import { DeletionMark } from './deletion-mark';

import './resource-table.css';

interface ResourceTableProps {
  resources: CostResource[];
  /** Per-resource kill-all progress, when one is running or just ended. */
  deletions?: Record<string, DeletionStatus>;
  caption: string;
  testId?: string;
  /** The $/h column's order, and what a click on its header asks for (absent: not sortable). */
  order?: ResourceOrder;
  onOrderChange?: (order: ResourceOrder) => void;
  /** A Delete button per row (the page; the dialog has none). */
  onDelete?: (resource: CostResource) => void;
  /** No Delete while a kill-all runs. */
  deleteDisabled?: boolean;
}

const NEXT_ORDER: Record<ResourceOrder, ResourceOrder> = {
  scan: 'hourly-desc',
  'hourly-desc': 'hourly-asc',
  'hourly-asc': 'scan',
};
const ARIA_SORT = { scan: 'none', 'hourly-desc': 'descending', 'hourly-asc': 'ascending' } as const;

/** Every cost resource of a scan: where, what, since when, what it costs, and who made it. */
export function ResourceTable({
  resources,
  deletions,
  caption,
  testId,
  order,
  onOrderChange,
  onDelete,
  deleteDisabled = false,
}: ResourceTableProps) {
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
            <th scope="col" className="num" aria-sort={order ? ARIA_SORT[order] : undefined}>
              {order && onOrderChange ? (
                <button
                  type="button"
                  className="resource-table__sort"
                  onClick={() => onOrderChange(NEXT_ORDER[order])}
                  data-testid="sort-hourly"
                >
                  $/h{order === 'hourly-desc' ? ' ↓' : order === 'hourly-asc' ? ' ↑' : ''}
                  <span className="visually-hidden">
                    {order === 'scan'
                      ? ', sort dearest first'
                      : order === 'hourly-desc'
                        ? ', sort cheapest first'
                        : ', sort by region'}
                  </span>
                </button>
              ) : (
                '$/h'
              )}
            </th>
            <th scope="col">Owner</th>
            {onDelete && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {resources.map((resource) => {
            const deletion = deletions?.[resource.id];
            // Ours are named after their run (shown in Owner); an untracked one is known by its Name tag.
            const name = resource.ours ? undefined : nameTag(resource);
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
                  {name && (
                    <span className="resource-table__name" title={`Name tag: ${name}`}>
                      {name}
                    </span>
                  )}
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
                <td className="num tabular nowrap" title={resource.note}>
                  {/* A spot instance priced on-demand (or at the dearest zone) costs at most this: said, not hidden. */}
                  {resource.upperBound && resource.hourlyUsd !== null && (
                    <>
                      <span aria-hidden="true">≤ </span>
                      <span className="visually-hidden">at most </span>
                    </>
                  )}
                  {formatHourly(resource.hourlyUsd)}
                </td>
                <OwnerCell resource={resource} />
                {onDelete && (
                  <td className="resource-table__actions">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => onDelete(resource)}
                      unavailable={deleteDisabled || deletion !== undefined}
                      aria-label={`Delete ${KIND_LABELS[resource.kind]} ${resource.id}`}
                      data-testid={`delete-${resource.id}`}
                    >
                      Delete
                    </Button>
                  </td>
                )}
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
        // One line: the compact form to see, the whole id in the tooltip and for screen readers.
        <span className="resource-table__run mono" title={resource.runId}>
          <span aria-hidden="true">{compactRunId(resource.runId)}</span>
          <span className="visually-hidden">{resource.runId}</span>
        </span>
      )}
    </td>
  );
}
