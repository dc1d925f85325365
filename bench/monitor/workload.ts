import { MARK } from '../../main/monitor/health-command';

/**
 * A realistic mix of training-log lines: mostly tqdm redraws with a postfix, some HF Trainer
 * dicts, Keras lines, warnings and garbage, each with the executor's ISO timestamp.
 */
export function makeLines(second: number, count: number, startIndex: number): string {
  const stamp = new Date(Date.UTC(2026, 10, 24) + second * 1000).toISOString();
  let out = '';
  for (let i = 0; i < count; i++) {
    const n = startIndex + i;
    const kind = n % 20;
    let text: string;
    if (kind < 14) {
      text = ` ${(n % 100).toString().padStart(2)}%|████▌     | ${n % 10_000}/10000 [01:23<01:42, 5.37it/s, loss=${(1 / (1 + n / 1e5)).toFixed(4)}, lr=3e-4]`;
    } else if (kind < 16) {
      text = `{'loss': ${(1 / (1 + n / 1e5)).toFixed(4)}, 'grad_norm': 1.23, 'learning_rate': 4.7e-05, 'epoch': ${(n / 1e6).toFixed(2)}}`;
    } else if (kind < 18) text = `Epoch ${1 + Math.floor(n / 1e6)}/10`;
    else if (kind < 19) text = 'UserWarning: TypedStorage is deprecated. It will be removed in the future.';
    else text = '\u00ff\u00fe%%% ::: garbage ETA: 1:23:45 [[[';
    out += `${stamp} ${text}\n`;
  }
  return out;
}

/** One health command output in the real format: CPU, memory, disk, 2 × network and one GPU (util, memory, temperature; power [N/A]) = 8 series. */
export function healthOutput(tick: number): string {
  const busy = 1000 + tick * 380;
  const idle = 5000 + tick * 20;
  return [
    `${MARK}uptime`,
    `${1000 + tick * 5}.00 100.00`,
    `${MARK}stat`,
    `cpu  ${busy} 0 ${tick} ${idle} 0 0 0 0 0 0`,
    `${MARK}load`,
    '3.20 3.10 3.00 4/512 9999',
    `${MARK}mem`,
    'MemTotal:       65536000 kB',
    `MemAvailable:   ${30000000 - (tick % 1000)} kB`,
    `${MARK}df`,
    'Filesystem 1024-blocks Used Available Capacity Mounted on',
    `/dev/nvme1n1 209715200 ${50000000 + tick * 10} 0 25% /data`,
    `${MARK}net`,
    `  ens5: ${tick * 5_000_000} 0 0 0 0 0 0 0 ${tick * 100_000} 0 0 0 0 0 0 0`,
    `${MARK}gpu`,
    `0, NVIDIA A10G, ${80 + (tick % 15)}, 20123, 23028, 71, [N/A]`,
    `${MARK}gpuexit 0`,
  ].join('\n');
}
