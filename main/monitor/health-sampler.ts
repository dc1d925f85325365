import { fillEtaSeconds, type UsagePoint } from '../../shared/monitor/fill-eta';
import type { HealthSample } from '../../shared/monitor/health';
import { parseNvidiaSmi } from '../../shared/monitor/nvidia-smi';
import {
  cpuPercent,
  type CpuTimes,
  parseDf,
  parseLoadAvg,
  parseMemInfo,
  parseNetDev,
  parseProcStat,
  parseUptime,
} from '../../shared/monitor/proc-parse';
import type { Clock } from '../core/clock';
import type { RemoteShell } from '../host/remote-host';
import { healthCommand, splitSections } from './health-command';

/** Disk growth is judged over this window: long enough to smooth checkpoint bursts. */
const DISK_WINDOW_MS = 15 * 60_000;

/** Settings of {@link HealthSampler}. */
export interface HealthSamplerOptions {
  shell: RemoteShell;
  clock: Clock;
  /** The data volume's folder (its filesystem is measured). */
  dataDir: string;
  /** Per-command limit; a sample slower than this is skipped. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Takes one health sample per call, keeping what rates need between calls (CPU counters,
 * network bytes, disk history). Parsing is per section: a garbled part loses that field only.
 */
export class HealthSampler {
  private previousCpu: CpuTimes | undefined;
  private previousNet: { rx: number; tx: number; seconds: number } | undefined;
  private readonly diskHistory: UsagePoint[] = [];

  constructor(private readonly options: HealthSamplerOptions) {}

  /** Runs the command and parses it. Rejects only if the command itself could not run. */
  async sample(signal?: AbortSignal): Promise<HealthSample> {
    const { shell, clock, dataDir } = this.options;
    const { stdout } = await shell.exec(healthCommand(dataDir), {
      signal,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    const at = clock.now();
    return this.parse(stdout, at);
  }

  /** Parses one command output taken at `at` (exposed for tests and the benchmark). */
  parse(stdout: string, at: number): HealthSample {
    const sections = splitSections(stdout);
    const sample: HealthSample = { at };
    const problems: string[] = [];
    const section = (name: string) => sections.get(name) ?? '';

    const cpu = parseProcStat(section('stat'));
    if (cpu && this.previousCpu) {
      const pct = cpuPercent(this.previousCpu, cpu);
      if (pct !== undefined) sample.cpuPct = pct;
    }
    if (cpu) this.previousCpu = cpu;
    else problems.push('cpu');

    const load = parseLoadAvg(section('load'));
    if (load) sample.load = load;
    const memory = parseMemInfo(section('mem'));
    if (memory) sample.memory = memory;
    else problems.push('memory');
    this.disk(section('df'), at, sample, problems);
    this.network(section('net'), parseUptime(section('uptime')) ?? at / 1000, sample);
    this.gpu(sections, sample);
    if (problems.length) sample.problems = problems;
    return sample;
  }

  private disk(text: string, at: number, sample: HealthSample, problems: string[]): void {
    const disk = parseDf(text);
    if (!disk) {
      problems.push(`disk: ${text.trim().slice(0, 120)}`);
      return;
    }
    this.diskHistory.push({ at, usedBytes: disk.usedBytes });
    while (this.diskHistory.length > 2 && (this.diskHistory[0] as UsagePoint).at < at - DISK_WINDOW_MS) {
      this.diskHistory.shift();
    }
    const eta = fillEtaSeconds(this.diskHistory, disk.totalBytes);
    sample.disk = { ...disk, ...(eta !== undefined ? { fillEtaSeconds: eta } : {}) };
  }

  private network(text: string, seconds: number, sample: HealthSample): void {
    const net = parseNetDev(text);
    if (!net) return;
    const previous = this.previousNet;
    this.previousNet = { ...net, seconds };
    if (!previous) return;
    const dt = seconds - previous.seconds;
    // Counters reset (reboot, interface re-created): skip one rate rather than show a negative one.
    if (dt <= 0 || net.rx < previous.rx || net.tx < previous.tx) return;
    sample.network = { rxBytesPerSec: (net.rx - previous.rx) / dt, txBytesPerSec: (net.tx - previous.tx) / dt };
  }

  private gpu(sections: Map<string, string>, sample: HealthSample): void {
    if (!sections.has('gpu')) return;
    const exit = Number(sections.get('gpuexit'));
    const reading = parseNvidiaSmi(sections.get('gpu') ?? '', Number.isFinite(exit) ? exit : null);
    if ('gpus' in reading) sample.gpus = reading.gpus;
    else sample.gpuError = reading.error;
  }
}
