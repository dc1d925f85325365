/**
 * The one home of region names: every AWS commercial region known when this table was written,
 * with the name the AWS console shows for it. Preflight uses the codes to catch a typo before any
 * network call ("eu-wset-1" would otherwise fail as a DNS error; a region that is new since is a
 * warning, not a failure); pickers show {@link regionLabel}.
 */
export const REGION_NAMES = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'ca-central-1': 'Canada (Central)',
  'ca-west-1': 'Canada West (Calgary)',
  'mx-central-1': 'Mexico (Central)',
  'sa-east-1': 'South America (São Paulo)',
  'eu-west-1': 'Europe (Ireland)',
  'eu-west-2': 'Europe (London)',
  'eu-west-3': 'Europe (Paris)',
  'eu-central-1': 'Europe (Frankfurt)',
  'eu-central-2': 'Europe (Zurich)',
  'eu-north-1': 'Europe (Stockholm)',
  'eu-south-1': 'Europe (Milan)',
  'eu-south-2': 'Europe (Spain)',
  'il-central-1': 'Israel (Tel Aviv)',
  'me-south-1': 'Middle East (Bahrain)',
  'me-central-1': 'Middle East (UAE)',
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-east-2': 'Asia Pacific (Taipei)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-southeast-3': 'Asia Pacific (Jakarta)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-southeast-5': 'Asia Pacific (Malaysia)',
  'ap-southeast-7': 'Asia Pacific (Thailand)',
} as const;

/** A region code of {@link REGION_NAMES}. */
export type KnownRegion = keyof typeof REGION_NAMES;

/** The known region codes, in the table's order (the console's: Americas, Europe, Middle East, Africa, Asia Pacific). */
export const KNOWN_REGIONS = Object.keys(REGION_NAMES) as KnownRegion[];

/** "US East (N. Virginia) us-east-1", as the console's region menu shows it; an unknown code is shown as it is. */
export function regionLabel(region: string): string {
  return isKnownRegion(region) ? `${REGION_NAMES[region]} ${region}` : region;
}

/** True when `region` is in {@link KNOWN_REGIONS}. */
export function isKnownRegion(region: string): region is KnownRegion {
  return Object.hasOwn(REGION_NAMES, region);
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

/** A region as a picker offers it: its code, the console's name and whether the account has it enabled. */
export interface RegionChoice {
  code: string;
  /** "US East (N. Virginia)"; the code itself for a region newer than {@link REGION_NAMES}. */
  name: string;
  /** False: not enabled (opted in) for the account; undefined: it could not be asked. */
  enabled?: boolean;
}

/**
 * Every known region and every enabled one newer than the table, marked with whether the account
 * has it enabled (`enabled` undefined: the list could not be read).
 */
export function regionChoices(enabled: readonly string[] | undefined): RegionChoice[] {
  const known: readonly string[] = KNOWN_REGIONS;
  const codes = [...KNOWN_REGIONS, ...(enabled ?? []).filter((code) => !known.includes(code)).sort()];
  return codes.map((code) => ({
    code,
    name: isKnownRegion(code) ? REGION_NAMES[code] : code,
    ...(enabled ? { enabled: enabled.includes(code) } : {}),
  }));
}
