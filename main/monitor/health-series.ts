import type { HealthSample } from '../../shared/monitor/health';
import type { SeriesStore } from './series-store';

/**
 * Puts one health sample into the series the monitor page charts. Names are stable so the
 * renderer can group them: `cpu`, `memory`, `disk`, `net.rx`, `net.tx`, `gpu<i>.util|mem|temp|power`.
 */
export function addHealthSeries(store: SeriesStore, s: HealthSample): void {
  const t = s.at;
  if (s.cpuPct !== undefined) store.add('cpu', '%', t, s.cpuPct);
  if (s.memory) store.add('memory', 'B', t, s.memory.usedBytes);
  if (s.disk) store.add('disk', 'B', t, s.disk.usedBytes);
  if (s.network) {
    store.add('net.rx', 'B/s', t, s.network.rxBytesPerSec);
    store.add('net.tx', 'B/s', t, s.network.txBytesPerSec);
  }
  for (const gpu of s.gpus ?? []) {
    const base = `gpu${gpu.index}`;
    if (gpu.utilizationPct !== null) store.add(`${base}.util`, '%', t, gpu.utilizationPct);
    if (gpu.memoryUsedMiB !== null) store.add(`${base}.mem`, 'MiB', t, gpu.memoryUsedMiB);
    if (gpu.temperatureC !== null) store.add(`${base}.temp`, '°C', t, gpu.temperatureC);
    if (gpu.powerW !== null) store.add(`${base}.power`, 'W', t, gpu.powerW);
  }
}
