/**
 * Largest-triangle-three-buckets (Steinarsson 2013): picks `threshold` points of a series
 * that keep its visual shape (peaks stay peaks), so a 24 h series at 5 s (~17k points)
 * draws as a few hundred. First and last points are always kept.
 *
 * @param times ascending x values
 * @param values y values, same length as `times`
 * @returns indices into the input, ascending
 */
export function lttbIndices(times: ArrayLike<number>, values: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(times.length, values.length);
  if (threshold >= n || threshold < 3) return Array.from({ length: n }, (_, i) => i);
  const picked: number[] = [0];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    // The average of the next bucket is the third corner of each candidate triangle.
    const nextStart = Math.floor((bucket + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      avgX += times[i] as number;
      avgY += values[i] as number;
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgX /= count;
    avgY /= count;
    const start = Math.floor(bucket * every) + 1;
    const end = Math.floor((bucket + 1) * every) + 1;
    const ax = times[a] as number;
    const ay = values[a] as number;
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((ax - avgX) * ((values[i] as number) - ay) - (ax - (times[i] as number)) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    picked.push(best);
    a = best;
  }
  picked.push(n - 1);
  return picked;
}
