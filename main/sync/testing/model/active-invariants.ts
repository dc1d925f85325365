import { type InvariantName, INVARIANTS } from './model-invariants';
import { ALL_CLASSES, type ScenarioClasses } from './model-steps';

/** Every invariant is held on every scenario the model generates. */
export const ACTIVE_INVARIANTS: ReadonlySet<InvariantName> = new Set(INVARIANTS);

/**
 * The scenario classes `npm test` generates: those whose fix has landed on main. A class
 * still off names the issue-11 class and the fix it waits for; switch it on when that lands
 * (`TRAINDECK_FUZZ_CLASSES=all npm run test:fuzz` runs every class on today's code).
 */
export const ACTIVE_CLASSES: ScenarioClasses = ALL_CLASSES;
