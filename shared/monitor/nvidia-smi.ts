import type { GpuSample } from './health';

/** The query the sampler runs; the parser expects exactly these columns in this order. */
export const NVIDIA_SMI_QUERY =
  'nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw --format=csv,noheader,nounits';

/** The outcome of one nvidia-smi run: GPUs, or the reason they could not be read. */
export type GpuReading = { gpus: GpuSample[] } | { error: string };

function num(field: string | undefined): number | null {
  if (field === undefined) return null;
  const value = Number(field.trim());
  // "[N/A]", "[Not Supported]" and empty fields are normal on some boards: unknown, not an error.
  return field.trim() !== '' && Number.isFinite(value) ? value : null;
}

/**
 * Parses the CSV of {@link NVIDIA_SMI_QUERY}. nvidia-smi reports failures on stdout with a
 * non-zero exit ("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA
 * driver…"); such output, or no parseable row at all, becomes an error with that reason.
 */
export function parseNvidiaSmi(output: string, exitCode: number | null): GpuReading {
  const gpus: GpuSample[] = [];
  const other: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const fields = line.split(',').map((f) => f.trim());
    const index = Number(fields[0]);
    if (fields.length !== 7 || !/^\d+$/.test(fields[0] ?? '') || !Number.isInteger(index)) {
      other.push(line);
      continue;
    }
    gpus.push({
      index,
      name: fields[1] ?? '',
      utilizationPct: num(fields[2]),
      memoryUsedMiB: num(fields[3]),
      memoryTotalMiB: num(fields[4]),
      temperatureC: num(fields[5]),
      powerW: num(fields[6]),
    });
  }
  if (exitCode !== 0 || gpus.length === 0) {
    const reason =
      other.join(' ').slice(0, 300) ||
      (exitCode !== 0 ? `nvidia-smi exited with ${exitCode}` : 'nvidia-smi printed no GPU');
    return { error: `GPU metrics unavailable: ${reason}` };
  }
  return { gpus };
}
