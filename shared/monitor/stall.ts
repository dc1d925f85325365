import { DEFAULT_MONITORING } from '../domain/settings';

/** When a run counts as stalled. */
export interface StallRule {
  /** How long both conditions must hold. Default 10 minutes. */
  windowMs: number;
  /** GPU utilisation (%) at or under which the GPU counts as idle. Default 5. */
  gpuIdlePct: number;
  /** CPU (%) at or under which a CPU-only run counts as idle. Default 10. */
  cpuIdlePct: number;
}

/** The stall rule of monitoring settings (minutes and idle thresholds). */
export function stallRuleOf(stall: { minutes: number; gpuIdlePct: number; cpuIdlePct: number }): StallRule {
  return { windowMs: stall.minutes * 60_000, gpuIdlePct: stall.gpuIdlePct, cpuIdlePct: stall.cpuIdlePct };
}

/** Defaults: ten quiet minutes of an idle accelerator. */
export const DEFAULT_STALL_RULE: StallRule = stallRuleOf(DEFAULT_MONITORING.stall);

/**
 * Is the machine idle in this sample? The GPUs decide when there are any (a data loader can
 * keep a CPU busy while the GPU starves); otherwise the CPU. Unknown → not idle, so missing
 * metrics never raise a false alarm.
 */
export function isIdle(
  sample: { cpuPct?: number; gpus?: { utilizationPct: number | null }[] },
  rule: StallRule,
): boolean {
  const gpuUtils = (sample.gpus ?? []).map((g) => g.utilizationPct).filter((u): u is number => u !== null);
  if (gpuUtils.length) return Math.max(...gpuUtils) <= rule.gpuIdlePct;
  return sample.cpuPct !== undefined && sample.cpuPct <= rule.cpuIdlePct;
}
