import type { ResourceKind } from '../../../shared/domain/cost';

/** How each resource kind is named in the cost panel. */
export const KIND_LABELS: Record<ResourceKind, string> = {
  instance: 'Instance',
  volume: 'EBS volume',
  snapshot: 'Snapshot',
  address: 'Elastic IP',
  'nat-gateway': 'NAT gateway',
  'load-balancer': 'Load balancer',
  'key-pair': 'Key pair',
  'security-group': 'Security group',
};

/** An id short enough for a table cell: load balancer ARNs keep their name part. */
export function shortId(id: string): string {
  return id.startsWith('arn:') ? id.split('/').slice(-2).join('/') || id : id;
}

/** The longest name part a compact run id keeps (a run name may have 30 characters). */
const COMPACT_NAME_CHARS = 14;

/** `name-YYYYMMDD-HHMMSS-xxxx`, as makeRunId writes it: the date and time are what make it long. */
const RUN_ID_PARTS = /^(.+)-\d{8}-\d{6}-([0-9a-f]{4})$/;

/**
 * A run id for one line of a table cell: its name and its random suffix around an ellipsis
 * ("resnet50-…-a1b2"), a long name cut too. An id of another form comes back whole (the cell
 * cuts it). Where it is shown, the whole id stays in the tooltip and the accessible name.
 */
export function compactRunId(runId: string): string {
  const parts = RUN_ID_PARTS.exec(runId);
  if (!parts) return runId;
  const [, name = '', suffix = ''] = parts;
  const shortName = name.length > COMPACT_NAME_CHARS ? `${name.slice(0, COMPACT_NAME_CHARS)}…` : `${name}-…`;
  return `${shortName}-${suffix}`;
}
