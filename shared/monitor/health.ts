/** One GPU as `nvidia-smi --query-gpu=…` reports it; a field it cannot read ("[N/A]") is null. */
export interface GpuSample {
  index: number;
  name: string;
  utilizationPct: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  temperatureC: number | null;
  powerW: number | null;
}

/** The data volume's usage and, when it grows, when it would be full. */
export interface DiskSample {
  mount: string;
  usedBytes: number;
  totalBytes: number;
  /** Seconds until full at the recent growth rate; absent while usage is flat or shrinking. */
  fillEtaSeconds?: number;
}

/**
 * One health sample of the instance. Every part is optional: a missing or garbled section
 * leaves its field out instead of failing the whole sample.
 */
export interface HealthSample {
  /** Epoch ms, from the desktop's clock. */
  at: number;
  /** Busy share of all CPUs since the previous sample (needs two samples). */
  cpuPct?: number;
  load?: { one: number; five: number; fifteen: number };
  memory?: { usedBytes: number; totalBytes: number };
  disk?: DiskSample;
  /** Bytes per second over all interfaces but loopback (needs two samples). */
  network?: { rxBytesPerSec: number; txBytesPerSec: number };
  /** Present when the instance has nvidia-smi and it answered. */
  gpus?: GpuSample[];
  /** "GPU metrics unavailable: <reason>" when nvidia-smi exists but failed. */
  gpuError?: string;
  /** Sections that could not be parsed (for the log, never shown as an error). */
  problems?: string[];
}

/** The state of a cloud instance as EC2 and CloudWatch see it. */
export interface CloudHealth {
  instanceState?: string;
  /** A status check failed in the last period (CloudWatch StatusCheckFailed > 0). */
  statusCheckFailed?: boolean;
  /** Set when IMDS announced a spot interruption. */
  spotInterruption?: SpotInterruption;
}

/** The notice AWS gives two minutes before reclaiming a spot instance. */
export interface SpotInterruption {
  action: 'terminate' | 'stop' | 'hibernate' | string;
  /** ISO time of the planned action. */
  time: string;
}
