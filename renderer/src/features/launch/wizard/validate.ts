import { type RunConfig, runConfigSchema } from '../../../../../shared/run-config/schema';
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
  training: ['training'],
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
 * when there is none, the config.
 */
export function validateDraft(draft: WizardDraft): { errors: FieldErrors; config?: RunConfig } {
  const errors: FieldErrors = {};
  const input = draftToConfig(draft);
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      if (path.startsWith('training.env')) continue;
      const key = ALIASES[path] ?? (path || 'config');
      errors[key] ??= fieldMessage(key, { issue, path, value: valueAt(input, issue.path) });
    }
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
  const ok = Object.keys(errors).length === 0 && parsed.success;
  return ok ? { errors, config: parsed.data } : { errors };
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
