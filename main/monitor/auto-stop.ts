import {
  budgetStopMessage,
  budgetVerdict,
  type BudgetView,
  budgetViewOf,
  gracefulStopSeconds,
} from '../../shared/monitor/budget';
import type { CostBurn } from '../../shared/monitor/cost';
import { type NonFiniteLoss, nonFiniteLoss } from '../../shared/monitor/loss-check';
import type { AutoStopCause } from '../../shared/monitor/notices';
import type { LossAction, StallAction } from '../../shared/run-config/monitoring-section';

/** What the monitor may stop a run for, and how it asks for the run's graceful stop. */
export interface AutoStopSettings {
  /** `training.maxCostUsd` and the figures of its stop model (EC2 runs: the only ones with a burn rate). */
  budget?: {
    maxCostUsd: number;
    /** The training's `graceSeconds` (SIGTERM → SIGKILL). */
    graceSeconds: number;
    /** The longest time between two cost checks (the watcher's interval with slack for a slow round). */
    checkEverySeconds: number;
  };
  /** `monitoring.stall.action`; absent: alert only. */
  stallAction?: StallAction;
  /** `monitoring.nonFiniteLoss`; absent: off. */
  lossAction?: LossAction;
  /** The run's graceful stop (stop training, push, verify, tear down); called at most once. */
  requestStop(cause: AutoStopCause, reason: string): void;
}

/**
 * The monitor's three reasons to end a run early, each off unless its setting asks: the budget
 * (shared/monitor/budget.ts, checked at every cost update), a stall (when the stall detector fires)
 * and a NaN or infinite loss (each train.log line and metrics record). A stop is asked for once:
 * `onStop` (the monitor's alert and notification), then the run's graceful stop.
 */
export class AutoStopper {
  private stopped = false;
  private lossSeen = false;
  private unpricedSaid = false;
  private boundSaid = false;
  /** What the page shows of the budget, as of the last cost; undefined without a budget. */
  private view: BudgetView | undefined;

  constructor(
    private readonly settings: AutoStopSettings | undefined,
    private readonly onStop: (cause: AutoStopCause, reason: string) => void,
    /** Once, when a run with a budget gets a cost it cannot price: the budget cannot stop it, and the user must hear so. */
    private readonly onBudgetUnpriced?: (maxCostUsd: number, cost: CostBurn) => void,
    /**
     * Once, when a run with a budget is priced at an upper bound (a spot instance whose spot price is
     * unknown: on-demand): the budget stays safe (it stops sooner, never later), and the user hears why.
     */
    private readonly onBudgetUpperBound?: (maxCostUsd: number, why: string) => void,
  ) {
    const budget = settings?.budget;
    if (budget) this.view = { maxCostUsd: budget.maxCostUsd, state: 'waiting' };
  }

  /** The budget as the page shows it (spent is the cost's own figure); undefined when the run has none. */
  budgetView(): BudgetView | undefined {
    return this.view;
  }

  /** A new cost figure; `pushBytes` is what the graceful stop's push may move. */
  onCost(cost: CostBurn, pushBytes: number): void {
    const budget = this.settings?.budget;
    if (!budget || this.stopped) return;
    // A spot price being read (at most spot-now.ts's 20 s): the on-demand stand-in would stop a run
    // its spot price keeps within budget (a relaunch hours in); the next cost, with the price, decides.
    if (cost.spotPending) return;
    if (cost.hourlyUsd === null || cost.soFarUsd === null) {
      this.view = { maxCostUsd: budget.maxCostUsd, state: 'unknown' };
      if (!this.unpricedSaid) this.onBudgetUnpriced?.(budget.maxCostUsd, cost);
      this.unpricedSaid = true;
      return;
    }
    if (cost.upperBound && !this.boundSaid) {
      this.boundSaid = true;
      this.onBudgetUpperBound?.(budget.maxCostUsd, cost.instanceNote ?? 'the instance is priced at most');
    }
    const verdict = budgetVerdict({
      maxCostUsd: budget.maxCostUsd,
      soFarUsd: cost.soFarUsd,
      hourlyUsd: cost.hourlyUsd,
      stopSeconds: gracefulStopSeconds({ graceSeconds: budget.graceSeconds, pushBytes }),
      checkEverySeconds: budget.checkEverySeconds,
    });
    this.view = budgetViewOf(budget.maxCostUsd, verdict);
    if (!verdict.stop) return;
    // What it had cost when stopped; the report prices the whole run, stop included.
    const reason = budgetStopMessage(cost.soFarUsd, budget.maxCostUsd);
    this.view.stopReason = reason;
    this.stop('budget', reason);
  }

  /** The stall detector fired (its alert is the monitor's own). */
  onStall(description: string): void {
    if (this.settings?.stallAction === 'stop') {
      this.stop('stall', `stopped because the training stalled: ${description}`);
    }
  }

  /**
   * A line of train.log or a metrics record, as written. The first NaN or infinite loss is returned
   * (the monitor alerts) and, with `nonFiniteLoss: "stop"`, stops the run.
   */
  onText(text: string): NonFiniteLoss | undefined {
    const action = this.settings?.lossAction ?? 'off';
    if (action === 'off' || this.lossSeen) return undefined;
    const loss = nonFiniteLoss(text);
    if (!loss) return undefined;
    this.lossSeen = true;
    if (action === 'stop') this.stop('loss', `stopped because ${loss.name} became ${loss.value}`);
    return loss;
  }

  /** Whether the loss check stops the run (so its own notice is the stop's). */
  get stopsOnLoss(): boolean {
    return this.settings?.lossAction === 'stop';
  }

  private stop(cause: AutoStopCause, reason: string): void {
    if (this.stopped || !this.settings) return;
    this.stopped = true;
    this.onStop(cause, reason);
    this.settings.requestStop(cause, reason);
  }
}
