import { describe, expect, it } from 'vitest';

import { NVIDIA_SMI_QUERY, parseNvidiaSmi } from './nvidia-smi';
import { cpuPercent, parseDf, parseLoadAvg, parseMemInfo, parseNetDev, parseProcStat, parseUptime } from './proc-parse';

const STAT_A =
  'cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0\ncpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0\nintr 1';
const STAT_B = 'cpu  10132253 290696 3084819 46828583 16683 0 25195 0 175628 0\n';
const MEMINFO =
  'MemTotal:       16315388 kB\nMemFree:         2310540 kB\nMemAvailable:    9318012 kB\nBuffers:          401396 kB\nCached:          6303580 kB\n';
const NETDEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1296960   12740    0    0    0     0          0         0  1296960   12740    0    0    0     0       0          0
  ens5: 987654321  700000    0    0    0     0          0         0 12345678   90000    0    0    0     0       0          0
docker0:     100       1    0    0    0     0          0         0      200       2    0    0    0     0       0          0
`;

describe('/proc and df parsers', () => {
  it('CPU % from two /proc/stat readings (guest time not double counted); counters going back → unknown', () => {
    const a = parseProcStat(STAT_A);
    const b = parseProcStat(STAT_B);
    expect(a && b && cpuPercent(a, b)).toBeCloseTo(66.67, 1);
    expect(a && b && cpuPercent(b, a)).toBeUndefined();
    expect(parseProcStat('garbage\ncpu x y z')).toBeUndefined();
  });

  it('loadavg, meminfo (used = total − available; old kernels without MemAvailable), uptime', () => {
    expect(parseLoadAvg('0.52 0.58 0.59 2/1234 56789\n')).toEqual({ one: 0.52, five: 0.58, fifteen: 0.59 });
    expect(parseMemInfo(MEMINFO)).toEqual({ usedBytes: (16315388 - 9318012) * 1024, totalBytes: 16315388 * 1024 });
    expect(parseMemInfo(MEMINFO.replace(/MemAvailable.*\n/, ''))?.usedBytes).toBe(
      (16315388 - 2310540 - 401396 - 6303580) * 1024,
    );
    expect(parseUptime('35463.12 69812.40\n')).toBe(35463.12);
    expect(parseLoadAvg('nope')).toBeUndefined();
    expect(parseMemInfo('')).toBeUndefined();
  });

  it('df -Pk: last line, mount points with spaces, header skipped', () => {
    const df =
      'Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/nvme1n1     103080224 41232089  56588871      43% /mnt/my data\n';
    expect(parseDf(df)).toEqual({ mount: '/mnt/my data', usedBytes: 41232089 * 1024, totalBytes: 103080224 * 1024 });
    expect(parseDf('df: /nope: No such file or directory\n')).toBeUndefined();
  });

  it('/proc/net/dev sums every interface but loopback', () => {
    expect(parseNetDev(NETDEV)).toEqual({ rx: 987654321 + 100, tx: 12345678 + 200 });
    expect(parseNetDev('Inter-|\n face |\n')).toBeUndefined();
  });
});

describe('nvidia-smi CSV', () => {
  it('the query asks exactly the columns the parser expects', () => {
    expect(NVIDIA_SMI_QUERY).toContain(
      'index,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw',
    );
  });

  it('two GPUs, with [N/A] power on one', () => {
    const out = '0, NVIDIA A10G, 87, 20123, 23028, 71, 201.43\n1, NVIDIA A10G, 3, 0, 23028, 34, [N/A]\n';
    expect(parseNvidiaSmi(out, 0)).toEqual({
      gpus: [
        {
          index: 0,
          name: 'NVIDIA A10G',
          utilizationPct: 87,
          memoryUsedMiB: 20123,
          memoryTotalMiB: 23028,
          temperatureC: 71,
          powerW: 201.43,
        },
        {
          index: 1,
          name: 'NVIDIA A10G',
          utilizationPct: 3,
          memoryUsedMiB: 0,
          memoryTotalMiB: 23028,
          temperatureC: 34,
          powerW: null,
        },
      ],
    });
  });

  it('a driver failure becomes "GPU metrics unavailable: <reason>"', () => {
    const out =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n";
    expect(parseNvidiaSmi(out, 9)).toEqual({ error: `GPU metrics unavailable: ${out.trim()}` });
    expect(parseNvidiaSmi('', 0)).toEqual({ error: 'GPU metrics unavailable: nvidia-smi printed no GPU' });
    expect(parseNvidiaSmi('', 127)).toEqual({ error: 'GPU metrics unavailable: nvidia-smi exited with 127' });
  });
});
