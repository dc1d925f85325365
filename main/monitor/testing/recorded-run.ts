import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One read of the training's output as the executor got it. */
export interface RecordedChunk {
  /** Epoch ms. */
  at: number;
  stream: 'stdout' | 'stderr';
  bytes: Uint8Array;
}

/** A training recorded by `fixtures/recorded/record.py` (real PyTorch and tqdm). */
export interface RecordedRun {
  name: string;
  startedAt: number;
  endedAt: number;
  chunks: RecordedChunk[];
  /** metrics.jsonl lines with the time each was written (its `time` field). */
  metrics: { at: number; line: string }[];
}

const FOLDER = join(import.meta.dirname, 'fixtures', 'recorded');

/** Loads a recording: the raw stdout/stderr bytes cut into the reads the timing file lists. */
export function loadRecordedRun(name: string): RecordedRun {
  const raw = {
    stdout: readFileSync(join(FOLDER, `${name}.stdout.raw`)),
    stderr: readFileSync(join(FOLDER, `${name}.stderr.raw`)),
  };
  const offsets = { stdout: 0, stderr: 0 };
  const timing = readFileSync(join(FOLDER, `${name}.timing.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { t: number; fd?: 1 | 2; bytes?: number; startedAt?: number });
  const end = timing.at(-1) as { t: number; startedAt: number };
  const startedAt = Math.round(end.startedAt * 1000);
  const chunks: RecordedChunk[] = [];
  for (const read of timing) {
    if (!read.fd || !read.bytes) continue;
    const stream = read.fd === 1 ? 'stdout' : 'stderr';
    const bytes = new Uint8Array(raw[stream].subarray(offsets[stream], offsets[stream] + read.bytes));
    offsets[stream] += read.bytes;
    chunks.push({ at: startedAt + read.t, stream, bytes });
  }
  const metricsFile = join(FOLDER, `${name}.metrics.jsonl`);
  const metrics = existsSync(metricsFile)
    ? readFileSync(metricsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ at: Math.round((JSON.parse(line) as { time: number }).time * 1000), line }))
    : [];
  return { name, startedAt, endedAt: startedAt + end.t, chunks, metrics };
}

/**
 * The training's real progress over time, from the recording itself: every bar redraw says
 * `n/total` at the moment it was read. Per-epoch bars are made global by counting restarts.
 * Bars shorter than the longest (validation) are left out.
 */
export function truthSteps(run: RecordedRun): { at: number; step: number }[] {
  const decoder = new TextDecoder();
  const points: { at: number; step: number }[] = [];
  // `n/total` followed by a space or `[` (tqdm `| 12/300 [`, Keras `\r 12/300 ━`), not a date or a path.
  const bar = /(?<![\d/])(\d+)\/(\d+)(?= |\[)/g;
  const longest = Math.max(
    ...run.chunks.flatMap((c) => [...decoder.decode(c.bytes).matchAll(bar)].map((m) => Number(m[2]))),
  );
  let done = 0;
  let last = 0;
  for (const chunk of run.chunks) {
    for (const m of decoder.decode(chunk.bytes).matchAll(bar)) {
      if (Number(m[2]) !== longest) continue;
      const n = Number(m[1]);
      if (n < last) done += longest;
      last = n;
      points.push({ at: chunk.at, step: done + n });
    }
  }
  return points;
}
