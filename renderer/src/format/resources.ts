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
