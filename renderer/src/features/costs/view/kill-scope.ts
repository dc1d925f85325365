import { isBillable } from '../../../../../shared/domain/cost';
import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import { countOf } from '../../../../../shared/text/plural';

/** What a deletion started on the Costs page was asked to do: the kill-all, one run's teardown, or rows picked by their Delete. */
export type KillScope = { kind: 'kill-all' } | { kind: 'run'; runId: string } | { kind: 'rows'; count: number };

/** The progress card's words for a scope: its heading ("… finished") and its verdict when nothing in scope survived. */
export interface KillCardText {
  label: string;
  cleanTitle: string;
}

/**
 * Words that fit what was done: a run's teardown is not a kill-all, and "0 cost resources remain"
 * is said only when the rescan shows it of the whole account, not just of what was deleted.
 */
export function killCardText(scope: KillScope, result: KillAllResult | undefined): KillCardText {
  if (scope.kind === 'run') {
    return { label: `Teardown of run ${scope.runId}`, cleanTitle: 'Nothing of this run remains' };
  }
  const othersBill = result?.rescan.resources.some(isBillable) ?? false;
  if (scope.kind === 'rows') {
    return {
      label: `Deletion of ${countOf(scope.count, 'resource')}`,
      cleanTitle: scope.count === 1 ? 'The deleted resource is gone' : 'None of the deleted resources remain',
    };
  }
  return {
    label: 'Kill-all',
    cleanTitle: othersBill ? 'None of the deleted resources remain' : '0 cost resources remain',
  };
}
