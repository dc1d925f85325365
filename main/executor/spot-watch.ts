/** Where EC2's instance metadata service answers (IMDSv2). */
export const IMDS_BASE = 'http://169.254.169.254';

/**
 * Polls IMDSv2 for a spot interruption notice (`/latest/meta-data/spot/instance-action`, 404
 * until EC2 decides to reclaim the instance, then about two minutes of warning). On a notice
 * the executor stops training at once and pushes. Only started on a TrainDeck instance.
 */
export function watchSpotNotice(options: {
  signal: AbortSignal;
  onNotice(action: string): void;
  imdsBase?: string;
  intervalMs?: number;
}): void {
  const base = options.imdsBase ?? IMDS_BASE;
  const poll = async (): Promise<void> => {
    while (!options.signal.aborted) {
      const action = await readNotice(base).catch(() => undefined);
      if (action) return options.onNotice(action);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5_000).unref());
    }
  };
  void poll();
}

async function readNotice(base: string): Promise<string | undefined> {
  const token = await fetch(`${base}/latest/api/token`, {
    method: 'PUT',
    headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' },
    signal: AbortSignal.timeout(2_000),
  });
  if (!token.ok) return undefined;
  const notice = await fetch(`${base}/latest/meta-data/spot/instance-action`, {
    headers: { 'X-aws-ec2-metadata-token': await token.text() },
    signal: AbortSignal.timeout(2_000),
  });
  return notice.status === 200 ? await notice.text() : undefined;
}
