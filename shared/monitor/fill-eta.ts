/** A reading of disk usage at a time. */
export interface UsagePoint {
  at: number;
  usedBytes: number;
}

/**
 * Seconds until `totalBytes` is reached, from the least-squares slope of the recent points;
 * undefined while usage is flat or shrinking, or with fewer than two points spanning time.
 * A slope (not the last delta) so one checkpoint write does not swing the ETA.
 */
export function fillEtaSeconds(points: readonly UsagePoint[], totalBytes: number): number | undefined {
  if (points.length < 2) return undefined;
  const t0 = (points[0] as UsagePoint).at;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += (p.at - t0) / 1000;
    sy += p.usedBytes;
  }
  const mx = sx / points.length;
  const my = sy / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    const dx = (p.at - t0) / 1000 - mx;
    num += dx * (p.usedBytes - my);
    den += dx * dx;
  }
  if (den === 0) return undefined;
  const bytesPerSec = num / den;
  const last = points.at(-1) as UsagePoint;
  if (bytesPerSec <= 0) return undefined;
  return Math.max(0, (totalBytes - last.usedBytes) / bytesPerSec);
}
