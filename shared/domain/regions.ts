/**
 * The AWS commercial regions known when this table was written. Preflight uses it to catch a
 * typo before any network call ("eu-wset-1" would otherwise fail as a DNS error); a region
 * that is new since is a warning, not a failure.
 */
export const KNOWN_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'ca-west-1',
  'mx-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
] as const;

/** True when `region` is in {@link KNOWN_REGIONS}. */
export function isKnownRegion(region: string): boolean {
  return (KNOWN_REGIONS as readonly string[]).includes(region);
}

/** The known region closest to a typo (edit distance ≤ 3), for "did you mean …?". */
export function suggestRegion(region: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of KNOWN_REGIONS) {
    const distance = editDistance(region, name);
    if (distance <= 3 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
