// Probe (issue 16): what 1 GiB of 1 MiB positioned writes costs the kernel when the offsets are 1 MiB
// multiples vs shifted by SHIFT bytes. `node bench/sync/probes/aligned-writes.mjs [SHIFT] [DIR]` prints
// wall and system seconds; alternate shifts with a pause between runs (see bench/sync/README.md).
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const shift = Number(process.argv[2] ?? 0);
const file = join(process.argv[3] ?? tmpdir(), `aligned-writes-${process.pid}.bin`);
const MiB = 1 << 20;
const buffer = Buffer.allocUnsafeSlow(MiB).fill(7);
const handle = await open(file, 'w');
try {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let at = 0;
  if (shift) at += (await handle.write(buffer, 0, shift, 0)).bytesWritten;
  for (let i = 0; i < 1024; i += 1) at += (await handle.write(buffer, 0, MiB, at)).bytesWritten;
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - start) / 1000;
  console.log(`shift ${shift}: wall ${wall.toFixed(2)} s, system ${(used.system / 1e6).toFixed(2)} s`);
} finally {
  await handle.close();
  await rm(file, { force: true });
}
