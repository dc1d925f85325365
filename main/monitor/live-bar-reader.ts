import type { LiveBarRecord } from '../../shared/executor/protocol';
import type { TailSource } from './tail-source';

/** `train-live.json` is one small object; anything longer is not the executor's. */
const LIVE_BAR_MAX_BYTES = 16 * 1024;

/**
 * Reads the training's live progress bar (`WORK/train-live.json`, written by the executor's
 * LiveBarFile) through a tail source: over SSH for remote runs, from disk for local ones. The
 * file is replaced whole (renamed into place), so it is read from its start every time.
 * Undefined when it does not exist yet or is not a bar. The desktop's monitor and the CLI's
 * live line both read it here.
 */
export async function readLiveBar(source: TailSource, signal: AbortSignal): Promise<LiveBarRecord | undefined> {
  const read = await source.read(0, LIVE_BAR_MAX_BYTES, { signal, timeoutMs: 15_000 });
  return read.size > 0 ? parseLiveBar(new TextDecoder().decode(read.bytes)) : undefined;
}

function parseLiveBar(text: string): LiveBarRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LiveBarRecord>;
    if (typeof value.text !== 'string' || typeof value.at !== 'string') return undefined;
    return { at: value.at, text: value.text, open: value.open !== false, stream: value.stream ?? 'stderr' };
  } catch {
    // Half a file cannot happen (it is renamed into place); anything else is not a bar.
    return undefined;
  }
}
