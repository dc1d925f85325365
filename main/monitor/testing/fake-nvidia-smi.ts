import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Real-format output of the monitor's query on a g5.12xlarge-like box (2 of its A10G). */
export const TWO_GPU_CSV =
  '0, NVIDIA A10G, 87, 20123, 23028, 71, 201.43\n1, NVIDIA A10G, 64, 18001, 23028, 66, 187.10\n';
/** What nvidia-smi prints when the driver is gone (exit code 9). */
export const DRIVER_FAILURE =
  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";

/**
 * Writes an executable `nvidia-smi` into `dir` that checks it was asked the monitor's query
 * and prints `output` with `exitCode`. Put `dir` first on PATH.
 */
export function writeFakeNvidiaSmi(dir: string, output: string, exitCode = 0): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'nvidia-smi');
  const body = output.replace(/'/g, `'\\''`);
  writeFileSync(
    path,
    `#!/bin/sh\ncase "$*" in *--query-gpu=index,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw*--format=csv,noheader,nounits*) ;; *) echo "unexpected args: $*" >&2; exit 2;; esac\nprintf '%s\\n' '${body.trimEnd()}'\nexit ${exitCode}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}
