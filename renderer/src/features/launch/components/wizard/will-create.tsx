import type { RunConfig } from '../../../../../../shared/run-config/schema';

import './will-create.css';

/** What Launch creates in AWS, each tagged with the run id and deleted at teardown (nothing for a machine of the user's). */
export function WillCreate({ config }: { config: RunConfig }) {
  const compute = config.compute;
  const prefix = `s3://${config.storage.bucket}/${config.storage.prefix ? `${config.storage.prefix}/` : ''}`;
  const items = config.sshHost
    ? [
        ['In AWS', 'nothing: no instance, volume, key pair or security group'],
        [
          'On your machine',
          `a work folder for the run on ${config.sshHost.address} (executor, repo checkout, data); it stays there`,
        ],
        ['In S3', `the run's logs, models and checkpoints under ${prefix}, encrypted with your key`],
      ]
    : [
        ['Key pair', 'ed25519, imported; the private half stays on this machine (0600)'],
        ['Security group', '22/tcp from your public IP (/32) only'],
        ['Instance profile', `may read and write ${prefix}* only`],
        [
          'Instance',
          compute
            ? `${compute.instanceType}, ${compute.market}, IMDSv2 required, terminates on shutdown${failoverText(compute)}`
            : '—',
        ],
        ['EBS volume', compute ? `gp3 ${compute.diskGb} GB, deleted with the instance` : '—'],
      ];
  return (
    <dl className="will-create" data-testid="will-create">
      {items.map(([what, detail]) => (
        <div key={what} className="will-create__row">
          <dt>{what}</dt>
          <dd>{detail}</dd>
        </div>
      ))}
    </dl>
  );
}

// Where a launch may go when the first zone has no room (capacity failover), in the order it tries.
function failoverText(compute: NonNullable<RunConfig['compute']>): string {
  const types = compute.alternatives?.length ? `, then ${compute.alternatives.join(', ')}` : '';
  const onDemand = compute.market === 'spot' && compute.spot?.fallbackOnDemand ? ', then on-demand' : '';
  const relaunches = compute.market === 'spot' ? (compute.spot?.maxRelaunches ?? 0) : 0;
  const relaunch = relaunches
    ? `; after a spot interruption, relaunched up to ${relaunches} time${relaunches === 1 ? '' : 's'} (resuming from the newest checkpoint)`
    : '';
  return `; if a zone has no capacity: the other zones${types}${onDemand}${relaunch}; one instance only`;
}
