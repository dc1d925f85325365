import type { RegionPrices } from '../../../../../shared/domain/account';
import { budgetBelowOneHourOfLaunch } from '../../../../../shared/monitor/budget';
import { PRICE_TABLE } from '../../../../../shared/pricing/price-table';
import { type RunConfig, runConfigSchema } from '../../../../../shared/run-config/schema';
import { secretEnvNameProblem } from '../../../../../shared/run-config/secret-env-names';
import type { Loaded } from '../stores/wizard-aws';
import { proposedPrefix, type StepId, type WizardDraft } from './draft';
import { fieldMessage } from './field-messages';
import { draftToConfig } from './to-config';

/** Messages by field key; keys are run config paths ("compute.ttlMinutes", "code.overrides.0.target"). */
export type FieldErrors = Record<string, string>;

// Which config paths each step owns (its fields, and so its errors).
const STEP_ROOTS: Record<Exclude<StepId, 'review'>, string[]> = {
  account: ['aws', 'name'],
  compute: ['compute', 'sshHost'],
  code: ['code'],
  data: ['storage'],
  training: ['training', 'monitoring'],
};

// Schema paths that the wizard shows on a differently named control (an ssh-host run's time limit is typed in the Compute step).
const ALIASES: Record<string, string> = {
  'code.branch': 'code.ref',
  'code.commit': 'code.ref',
  'storage.sseKeyFile': 'storage.key',
  'training.maxRuntimeMinutes': 'compute.ttlMinutes',
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates the whole draft with the shared run config schema (the CLI's own rules), plus the
 * few things only the wizard knows (the key must be generated or imported; env rows). Returns
 * every error by field, in the wizard's words (./field-messages.ts, never the schema's), and,
 * when there is none, the config. With `prices` (the region's, as Review quotes them), a budget
 * below one hour of the instance is an error at its field.
 */
export function validateDraft(
  draft: WizardDraft,
  prices?: Loaded<RegionPrices>,
): { errors: FieldErrors; config?: RunConfig } {
  const errors: FieldErrors = {};
  const input = draftToConfig(draft);
  const parsed = runConfigSchema.safeParse(input);
  if (parsed.success) {
    const budget = budgetHourError(parsed.data, pricesOfDraft(draft, prices));
    if (budget) errors['training.maxCostUsd'] = budget;
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      // Env rows (plain and secret) are checked below, by row: the schema keys them by name.
      if (path.startsWith('training.env') || path.startsWith('training.secretEnv')) continue;
      const key = ALIASES[path] ?? (path || 'config');
      errors[key] ??= fieldMessage(key, { issue, path, value: valueAt(input, issue.path) });
    }
  }
  // The schema gives a config without diskGb 100 GB; in the wizard an emptied field is a question, not 100.
  if (draft.compute.target === 'aws-ec2' && !draft.compute.diskGb.trim()) {
    errors['compute.diskGb'] ??= 'Required: the size of the root volume in GB, e.g. 100.';
  }
  if (draft.compute.target === 'aws-ec2' && !draft.data.prefix.trim()) {
    errors['storage.prefix'] ??=
      `Required for an EC2 run: the instance may reach this folder of the bucket only (e.g. "${proposedPrefix(draft.account.name)}").`;
  }
  if (!draft.data.keyFingerprint) {
    errors['storage.key'] ??=
      draft.data.keyMode === 'generate'
        ? 'Generate the key: every object is encrypted with it.'
        : 'Check the key file: every object is encrypted with it.';
  }
  const seen = new Set<string>();
  draft.training.env.forEach((row, index) => {
    const name = row.name.trim();
    if (!name && !row.value) return;
    if (!ENV_NAME.test(name)) {
      errors[`training.env.${index}.name`] = 'Use letters, digits and "_", not starting with a digit.';
    } else if (seen.has(name)) errors[`training.env.${index}.name`] = `"${name}" is set twice.`;
    seen.add(name);
  });
  Object.assign(errors, secretEnvErrors(draft.training));
  const ok = Object.keys(errors).length === 0 && parsed.success;
  return ok ? { errors, config: parsed.data } : { errors };
}

/** The key of the wizard's prices for the draft's profile, region and instance type (wizard-aws.ts's loadPrices). */
export function pricesKey(draft: WizardDraft): string {
  return `${draft.account.profile}@${draft.account.region}:${draft.compute.instanceType}`;
}

/**
 * The prices the budget is checked at: the region's as Review quotes them once loaded for this very
 * region and type; the bundled table (said so) when they could not be loaded; none while they load
 * (the preflight judges the budget again at the region's prices before Launch).
 */
function pricesOfDraft(draft: WizardDraft, prices: Loaded<RegionPrices> | undefined): RegionPrices | undefined {
  if (!prices || prices.key !== pricesKey(draft) || prices.loading) return undefined;
  if (prices.value) return prices.value;
  const problem = prices.error?.message ?? 'they could not be read';
  return {
    table: {
      ...PRICE_TABLE,
      origin: { source: 'bundled', region: draft.account.region, asOf: PRICE_TABLE.asOf, problem },
    },
  };
}

/**
 * A budget below one hour of the dearest type the launch may end on (the chosen one or an alternative a
 * capacity failover may launch: the preflight's rule) at the region's prices (Review's figure: the
 * chosen type's spot at the dearest zone's price now, an alternative's at most on-demand), in the
 * wizard's words: its fields by their labels.
 */
function budgetHourError(config: RunConfig, prices: RegionPrices | undefined): string | undefined {
  const maxCostUsd = config.training?.maxCostUsd;
  if (maxCostUsd === undefined || !config.compute || !prices) return undefined;
  const spot = prices.spotZones?.length
    ? { zones: prices.spotZones }
    : { problem: prices.spotProblem ?? 'No spot price was read.' };
  const tooSmall = budgetBelowOneHourOfLaunch({ maxCostUsd, compute: config.compute, table: prices.table, spot });
  if (!tooSmall) return undefined;
  // The field is the budget ("raise it to"); the alternatives are the Compute step's field of that label.
  const message = tooSmall.message
    .replace('raise training.maxCostUsd to', 'raise it to')
    .replace('(compute.alternatives)', '(one of the alternative instance types)')
    .replace('from compute.alternatives', 'from the alternative instance types');
  return `${message}.`;
}

/**
 * The secret env rows in plain words: a usable name (the schema's rule), set once, not also a
 * plain variable, and a file (its existence is checked through main with the other files).
 */
function secretEnvErrors(training: WizardDraft['training']): FieldErrors {
  const errors: FieldErrors = {};
  const plain = new Set(training.env.map((row) => row.name.trim()));
  const seen = new Set<string>();
  training.secretEnv.forEach((row, index) => {
    const name = row.name.trim();
    const key = `training.secretEnv.${index}`;
    if (!name && !row.file.trim()) return;
    const problem = name ? secretEnvNameProblem(name) : 'Give the variable a name, e.g. WANDB_API_KEY';
    if (problem) errors[`${key}.name`] = `${problem}.`;
    else if (seen.has(name)) errors[`${key}.name`] = `"${name}" is set twice.`;
    else if (plain.has(name)) errors[`${key}.name`] = `"${name}" is also a plain variable above: keep it here only.`;
    seen.add(name);
    if (!row.file.trim()) {
      errors[`${key}.file`] = 'Give the file that holds the value, e.g. ~/.wandb-key (not the value itself).';
    }
  });
  return errors;
}

/** The errors that belong to one step. */
export function stepErrors(errors: FieldErrors, step: StepId): FieldErrors {
  if (step === 'review') return {};
  const roots = STEP_ROOTS[step];
  return Object.fromEntries(
    Object.entries(errors).filter(([key]) => roots.some((root) => key === root || key.startsWith(`${root}.`))),
  );
}

/** The value at `path` of the config the draft made (undefined when a part is missing). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, part) => (node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined),
    input,
  );
}
