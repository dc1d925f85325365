import type { FileCheck, FileKind } from '../../../../../shared/domain/file-check';
import type { WizardDraft } from './draft';
import type { FieldErrors } from './validate';

/** A wizard field that names a file on this computer, checked through main when it loses focus. */
export interface FileField {
  /** The field key ("code.deployKeyFile", "training.secretEnv.0.file"), as errors use it. */
  key: string;
  path: string;
  kind: FileKind;
}

/**
 * Every field of the draft that names an existing file on this computer: the deploy key, the SSH
 * login key (own machine only), an imported SSE-C key (a generated one does not exist yet), each
 * override's source and each secret variable's file.
 */
export function fileFields(draft: WizardDraft): FileField[] {
  return [
    { key: 'code.deployKeyFile', path: draft.code.deployKeyFile, kind: 'ssh-private-key' as const },
    ...(draft.compute.target === 'ssh-host'
      ? [{ key: 'sshHost.identityFile', path: draft.compute.sshIdentityFile, kind: 'ssh-private-key' as const }]
      : []),
    ...(draft.data.keyMode === 'import'
      ? [{ key: 'storage.key', path: draft.data.keyPath, kind: 'secret' as const }]
      : []),
    ...draft.code.overrides.map((o, i) => ({
      key: `code.overrides.${i}.source`,
      path: o.source,
      kind: 'file' as const,
    })),
    ...draft.training.secretEnv.map((s, i) => ({
      key: `training.secretEnv.${i}.file`,
      path: s.file,
      kind: 'secret' as const,
    })),
  ].filter((field) => field.path.trim() !== '');
}

/** What the field shows for main's answer: an error (the run cannot use the file), a warning, or nothing. */
export type FileFieldNote = { tone: 'error' | 'warning'; text: string } | undefined;

// What the field's file is, for sentences ("this deploy key"), and the fix the field's own controls offer when it is missing.
const SUBJECT: Array<{ pattern: RegExp; noun: string; missingFix: string; example: string }> = [
  {
    pattern: /^code\.deployKeyFile$/,
    noun: 'deploy key',
    missingFix: 'For an https repository without a key, empty the field.',
    example: '~/.ssh/resnet_deploy_key',
  },
  {
    pattern: /^sshHost\.identityFile$/,
    noun: 'key',
    missingFix: 'The key that logs in to the machine is usually in ~/.ssh.',
    example: '~/.ssh/id_ed25519',
  },
  {
    pattern: /^storage\.key$/,
    noun: 'key file',
    missingFix: 'To make a new key, choose Generate a new key above.',
    example: '~/.traindeck/keys/run.key',
  },
  {
    pattern: /^code\.overrides\.\d+\.source$/,
    noun: 'file',
    missingFix: 'If it is not needed, remove the row with its × button.',
    example: '~/work/resnet/local.yaml',
  },
  {
    pattern: /^training\.secretEnv\.\d+\.file$/,
    noun: 'file',
    missingFix: 'If the variable is not needed, remove the row with its × button.',
    example: '~/.wandb-key',
  },
];

const sentence = (clause: string) => clause.charAt(0).toUpperCase() + clause.slice(1).replace(/\.?$/, '.');

/**
 * Main's verdict on the file of field `key` in plain words at the field, each with a fix that names
 * what to do here (a control of the wizard, a command in a terminal, or how the host allows a folder).
 */
export function fileFieldNote(key: string, check: FileCheck): FileFieldNote {
  const subject = SUBJECT.find((s) => s.pattern.test(key)) ?? SUBJECT[SUBJECT.length - 1]!;
  const { noun } = subject;
  switch (check.reason) {
    case undefined:
      return check.ok ? undefined : { tone: 'error', text: sentence(check.problem ?? `this ${noun} cannot be used`) };
    case 'relative':
      return { tone: 'error', text: `Give the full path: start it with / or ~/, e.g. ${subject.example}.` };
    case 'missing':
      return { tone: 'error', text: `No file at this path: check the folder and the name. ${subject.missingFix}` };
    case 'folder':
      return {
        tone: 'error',
        text: `This is a folder: type the path of the ${noun} inside it, e.g. ${check.path.replace(/\/+$/, '')}/${subject.example.split('/').pop()}.`,
      };
    case 'not-file':
      return { tone: 'error', text: `This is not a regular file (a device or a pipe): choose the ${noun} itself.` };
    case 'unreadable':
      return {
        tone: 'error',
        text: `Your user account cannot read this ${noun}: make it yours (chown) or readable by you (chmod 600) in a terminal, or choose a copy you own.`,
      };
    case 'not-private-key':
      return { tone: 'error', text: sentence(`this file ${check.problem ?? 'is not an OpenSSH private key'}`) };
    case 'open-permissions': {
      const mode = /mode (0\d{3})/.exec(check.warning ?? '')?.[1];
      return {
        tone: 'warning',
        text: `Other users of this computer can read this ${noun}${mode ? ` (mode ${mode})` : ''}: make it private with chmod 600 ${check.path} in a terminal.`,
      };
    }
    case 'not-allowed':
      return {
        tone: 'error',
        text: `Not checked: TrainDeck may not read this ${noun} yet. ${(check.problem ?? '').replace(/^not checked:\s*/, '')}`.trim(),
      };
  }
}

/** Main's last answer per file field key, for the path it was asked about (none yet while asking). */
export type FileAnswers = Record<string, { path: string; check?: FileCheck }>;

/** What the draft's file fields show now: errors and warnings by field key, from answers about the paths they still hold. */
export function fileNotes(draft: WizardDraft, answers: FileAnswers): { errors: FieldErrors; warnings: FieldErrors } {
  const errors: FieldErrors = {};
  const warnings: FieldErrors = {};
  for (const field of fileFields(draft)) {
    const answer = answers[field.key];
    if (!answer?.check || answer.path !== field.path.trim()) continue;
    const note = fileFieldNote(field.key, answer.check);
    if (note) (note.tone === 'error' ? errors : warnings)[field.key] = note.text;
  }
  return { errors, warnings };
}
