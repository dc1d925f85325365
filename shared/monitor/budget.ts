import { priceOriginPhrase, type PriceTable } from '../pricing/price-table';
import type { SpotNowAnswer } from '../pricing/spot-now-price';
import { formatUsd } from '../report/format';
import { hourlyBurn } from './burn';

/**
 * The run's budget (`training.maxCostUsd`): when what the run has cost so far plus what a graceful
 * stop would still cost (stop the training, push, verify, tear down, all billed at the run's rate)
 * could pass the budget before the next check, the run is stopped. The one home of the rule: the
 * desktop's monitor decides with it (main/monitor/run-monitor.ts), the wizard and the preflight refuse a
 * budget below one hour of the instance with it (at the region's prices), and a live price source only
 * changes the rate it is given.
 */

/**
 * The figures a graceful stop is modelled with. Conservative on purpose (a slow stop stops the run
 * earlier, never later): EC2 ↔ S3 in one region moves 100+ MB/s on most types; a push here is counted at
 * 20 MB/s. Verify lists the prefix and compares the manifest; a teardown terminates and rescans
 * every region (1–3 min measured against the EC2 fake; 5 min counted).
 */
export const GRACEFUL_STOP_FIGURES = {
  pushBytesPerSecond: 20_000_000,
  /** Connecting, listing and the final logs push, whatever the data size. */
  pushFixedSeconds: 60,
  verifySeconds: 120,
  teardownSeconds: 300,
} as const;

/** How long a graceful stop is modelled to take, in seconds. */
export function gracefulStopSeconds(input: {
  /** The training's `graceSeconds` (SIGTERM → SIGKILL). */
  graceSeconds: number;
  /** What the push may move: the pushed folders' size on the machine (an upper bound: unchanged files do not move). */
  pushBytes: number;
}): number {
  const { pushBytesPerSecond, pushFixedSeconds, verifySeconds, teardownSeconds } = GRACEFUL_STOP_FIGURES;
  const pushBytes = Math.max(0, input.pushBytes);
  return (
    Math.max(0, input.graceSeconds) +
    pushFixedSeconds +
    pushBytes / pushBytesPerSecond +
    verifySeconds +
    teardownSeconds
  );
}

/** What {@link budgetVerdict} is asked about. */
export interface BudgetInput {
  /** The budget, US dollars. */
  maxCostUsd: number;
  /** What the run has cost so far (instance since its create, EBS, public IPv4). */
  soFarUsd: number;
  /** What it costs per hour now. */
  hourlyUsd: number;
  /** {@link gracefulStopSeconds}. */
  stopSeconds: number;
  /** The longest time until the next check: a stop decided then must still fit. */
  checkEverySeconds: number;
}

/** The decision, with the figures it was made on. */
export interface BudgetVerdict {
  stop: boolean;
  /** What the stop would cost at the current rate. */
  stopCostUsd: number;
  /** So far + the stop + one check interval: the highest the run can reach if stopped now or at the next check. */
  worstUsd: number;
}

/**
 * Stop when the run, stopped at the next check, could end above the budget:
 * `soFar + rate × (next check + graceful stop) ≥ budget`. Monotone: more spent, a higher rate, a
 * slower stop or a smaller budget never turn a stop into "go on".
 */
export function budgetVerdict(input: BudgetInput): BudgetVerdict {
  const rate = Math.max(0, input.hourlyUsd);
  const stopCostUsd = (rate * Math.max(0, input.stopSeconds)) / 3600;
  const worstUsd = Math.max(0, input.soFarUsd) + stopCostUsd + (rate * Math.max(0, input.checkEverySeconds)) / 3600;
  return { stop: worstUsd >= input.maxCostUsd, stopCostUsd, worstUsd };
}

/**
 * How the run stands against its budget, said in words on the page (never colour alone):
 * `waiting` until the first priced cost (or while a spot price is read), `under`, `near` once the
 * worst case ({@link BudgetVerdict.worstUsd}) reaches {@link BUDGET_NEAR_SHARE} of the budget,
 * `stopped` once the budget stopped the run, `unknown` when the instance or its disk has no price.
 */
export type BudgetState = 'waiting' | 'under' | 'near' | 'stopped' | 'unknown';

/** The share of the budget the worst case must reach for the run to be "near" it. */
export const BUDGET_NEAR_SHARE = 0.8;

/**
 * What the monitor page shows of the run's budget, and nothing more: the renderer is untrusted, so
 * the run config stays in main and only these figures cross (in the monitor's snapshot and deltas).
 */
export interface BudgetView {
  /** `training.maxCostUsd`, US dollars. */
  maxCostUsd: number;
  state: BudgetState;
  /** What a graceful stop would still add at the current rate (the rule the stop uses); absent until priced. */
  stopCostUsd?: number;
  /** The stop's own words ("stopped by the budget: $12.40 of $15.00") once the budget fired. */
  stopReason?: string;
}

/** The page's view of one budget check: `under`, `near` or `stopped`, with what a stop would add. */
export function budgetViewOf(maxCostUsd: number, verdict: BudgetVerdict): BudgetView {
  const state = verdict.stop ? 'stopped' : verdict.worstUsd >= maxCostUsd * BUDGET_NEAR_SHARE ? 'near' : 'under';
  return { maxCostUsd, state, stopCostUsd: verdict.stopCostUsd };
}

/** "stopped by the budget: $12.40 of $15.00": what the run had cost when the stop was decided, and the budget. */
export function budgetStopMessage(spentUsd: number, maxCostUsd: number): string {
  return `stopped by the budget: ${formatUsd(spentUsd)} of ${formatUsd(maxCostUsd)}`;
}

/** What {@link budgetBelowOneHour} prices one hour of the instance with. */
export interface OneHourInput {
  /** The budget, US dollars. */
  maxCostUsd: number;
  compute: { instanceType: string; diskGb: number; market?: 'spot' | 'on-demand' | undefined };
  /**
   * The region's prices (main's price source: AWS's Price List, a cached copy, or the bundled table
   * only when neither can be had, its `origin` saying so): the prices Review and the monitor use.
   */
  table: PriceTable;
  /** A spot instance's price per zone now (absent or a problem: at most its on-demand price). */
  spot?: SpotNowAnswer | undefined;
}

/** A budget that one hour of the instance passes: the sentence (with its fix), and whether the hour is an upper bound. */
export interface BudgetHourProblem {
  /** What is wrong, with the hour's price and which prices: "The budget of $0.500 is less than one hour of …". */
  problem: string;
  /** "raise training.maxCostUsd to at least $1.17, or pick a cheaper instance type". */
  fix: string;
  /** The two as one sentence (no final period): the wizard's field message. */
  message: string;
  /** The hour was priced at most (a spot instance at on-demand or the dearest zone): the budget may yet be enough. */
  upperBound: boolean;
  /** The least budget that works: the hour's price rounded up to the cent. */
  leastUsd: number;
  /** The hour's price, with its disk and public IPv4. */
  hourlyUsd: number;
}

/**
 * A budget below one hour of the instance (with its disk and public IPv4) stops the run before it can
 * do any work: said with the hour's price, which prices (region, date, bundled or live), and the least
 * budget that works. Priced as the monitor prices the run ({@link hourlyBurn}: spot at its price now,
 * at most the dearest zone's or on-demand). Undefined when the budget is enough or the hour is unpriced.
 */
export function budgetBelowOneHour(input: OneHourInput): BudgetHourProblem | undefined {
  const { instanceType, diskGb, market } = input.compute;
  const { hourly, upperBound } = hourlyBurn(
    {
      instanceType,
      volumes: [{ volumeType: 'gp3', sizeGb: diskGb }],
      hasPublicIp: true,
      ...(market ? { market } : {}),
      ...(input.spot ? { spot: input.spot } : {}),
    },
    input.table,
  );
  if (hourly === null || input.maxCostUsd >= hourly) return undefined;
  const rate = `${upperBound ? 'at most ' : ''}${formatUsd(hourly)}/h with its disk and public IPv4`;
  const problem = `The budget of ${formatUsd(input.maxCostUsd)} is less than one hour of ${instanceType} (${rate}, ${priceOriginPhrase(input.table)}), so the run would be stopped before it trains`;
  const leastUsd = Math.ceil(hourly * 100) / 100;
  const fix = `raise training.maxCostUsd to at least ${formatUsd(leastUsd)}, or pick a cheaper instance type`;
  return { upperBound, problem, fix, message: `${problem}: ${fix}`, leastUsd, hourlyUsd: hourly };
}

/** {@link budgetBelowOneHourOfLaunch}'s answer: the problem of the type it is about. */
export interface LaunchHourProblem extends BudgetHourProblem {
  /** The type whose hour the budget does not cover: the dearest the launch may end on. */
  instanceType: string;
  /** It is one of `compute.alternatives` (a capacity failover may launch it), not the chosen type. */
  alternative: boolean;
}

/**
 * A budget below one hour of the dearest instance type the launch may end on: the chosen one or any of
 * `compute.alternatives`, which a capacity failover may launch instead. The one rule of the preflight
 * and the wizard's budget field. Each type is priced as {@link budgetBelowOneHour} prices it; `spot` is
 * the chosen type's price now only (an alternative's is not read: at most its on-demand price). The
 * dearest is named, so its fix ("at least …") covers every type; an alternative's also offers to drop it.
 */
export function budgetBelowOneHourOfLaunch(
  input: OneHourInput & { compute: OneHourInput['compute'] & { alternatives?: readonly string[] | undefined } },
): LaunchHourProblem | undefined {
  const { alternatives = [], ...chosen } = input.compute;
  let dearest: LaunchHourProblem | undefined;
  for (const [index, instanceType] of [chosen.instanceType, ...alternatives].entries()) {
    const alternative = index > 0;
    const tooSmall = budgetBelowOneHour({
      ...input,
      compute: { ...chosen, instanceType },
      spot: alternative ? undefined : input.spot,
    });
    // Ties keep the chosen type (named first): its sentence needs no failover to explain it.
    if (tooSmall && (!dearest || tooSmall.hourlyUsd > dearest.hourlyUsd)) {
      dearest = { ...tooSmall, instanceType, alternative };
    }
  }
  if (!dearest?.alternative) return dearest;
  const { instanceType, leastUsd } = dearest;
  const problem = `A capacity failover may launch ${instanceType} (compute.alternatives), and ${lowerFirst(dearest.problem)}`;
  const fix = `raise training.maxCostUsd to at least ${formatUsd(leastUsd)}, or remove ${instanceType} from compute.alternatives`;
  return { ...dearest, problem, fix, message: `${problem}: ${fix}` };
}

const lowerFirst = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
