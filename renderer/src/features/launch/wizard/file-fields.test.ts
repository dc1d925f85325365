import { describe, expect, it } from 'vitest';

import type { FileCheck, FileCheckReason } from '../../../../../shared/domain/file-check';
import { emptyDraft, type WizardDraft } from './draft';
import { type FileAnswers, fileFieldNote, fileFields, fileNotes } from './file-fields';

function draft(): WizardDraft {
  const d = emptyDraft({}, new Date('2026-12-05T18:30:00Z'));
  d.code.deployKeyFile = '~/.ssh/deploy';
  d.code.overrides = [
    { source: '/work/local.yaml', target: 'configs/local.yaml' },
    { source: '', target: 'x' },
  ];
  d.training.secretEnv = [{ name: 'WANDB_API_KEY', file: '~/.wandb-key' }];
  return d;
}

const KEYS = [
  'code.deployKeyFile',
  'sshHost.identityFile',
  'storage.key',
  'code.overrides.0.source',
  'training.secretEnv.0.file',
];
const REASONS: FileCheckReason[] = [
  'relative',
  'missing',
  'folder',
  'not-file',
  'unreadable',
  'not-private-key',
  'open-permissions',
  'not-allowed',
];
const answer = (reason: FileCheckReason): FileCheck => ({
  path: '/home/me/thing',
  ok: reason === 'open-permissions',
  reason,
  ...(reason === 'open-permissions'
    ? { warning: 'other users may read it (mode 0644)' }
    : reason === 'not-allowed'
      ? {
          problem:
            'not checked: The browser host only reads and writes under /srv/td: restart it with --allow-dir FOLDER to add one.',
        }
      : reason === 'not-private-key'
        ? { problem: 'is a public key: choose the private key file (the same name without .pub)' }
        : { problem: 'whatever main said' }),
});

describe('fileFields: the wizard fields that name a file on this computer', () => {
  it('lists the deploy key, overrides and secret files with their kinds; a blank row is not a file', () => {
    expect(fileFields(draft()).map((f) => [f.key, f.kind])).toEqual([
      ['code.deployKeyFile', 'ssh-private-key'],
      ['code.overrides.0.source', 'file'],
      ['training.secretEnv.0.file', 'secret'],
    ]);
  });

  it('the login key only for my own machine, the SSE-C key only when imported (a generated one does not exist yet)', () => {
    const d = draft();
    d.compute.target = 'ssh-host';
    d.data.keyMode = 'import';
    expect(fileFields(d).map((f) => f.key)).toEqual(expect.arrayContaining(['sshHost.identityFile', 'storage.key']));
    expect(fileFields(d).find((f) => f.key === 'storage.key')?.kind).toBe('secret');
  });
});

describe('fileFieldNote: main’s verdict in plain words at the field', () => {
  it('every reason on every file field is one sentence or more with a fix, no config key, no doubled period', () => {
    for (const key of KEYS) {
      for (const reason of REASONS) {
        const note = fileFieldNote(key, answer(reason));
        expect(note, `${key} ${reason}`).toBeDefined();
        const text = note!.text;
        expect(text, `${key} ${reason}`).toMatch(/^[A-Z].*\.$/s);
        expect(text).not.toMatch(/\.\.|storage\.|code\.|training\.|sshHost|sseKeyFile|undefined/);
        expect(note!.tone).toBe(reason === 'open-permissions' ? 'warning' : 'error');
      }
    }
  });

  it('names the fix: the wizard’s own control, the terminal command, or how the host allows a folder', () => {
    expect(fileFieldNote('storage.key', answer('missing'))?.text).toContain('choose Generate a new key above');
    expect(fileFieldNote('code.overrides.0.source', answer('missing'))?.text).toContain(
      'remove the row with its × button',
    );
    expect(fileFieldNote('code.deployKeyFile', answer('folder'))?.text).toBe(
      'This is a folder: type the path of the deploy key inside it, e.g. /home/me/thing/resnet_deploy_key.',
    );
    expect(fileFieldNote('code.deployKeyFile', answer('not-private-key'))?.text).toBe(
      'This file is a public key: choose the private key file (the same name without .pub).',
    );
    expect(fileFieldNote('training.secretEnv.0.file', answer('open-permissions'))?.text).toBe(
      'Other users of this computer can read this file (mode 0644): make it private with chmod 600 /home/me/thing in a terminal.',
    );
    expect(fileFieldNote('code.deployKeyFile', answer('not-allowed'))?.text).toBe(
      'Not checked: TrainDeck may not read this deploy key yet. The browser host only reads and writes under /srv/td: restart it with --allow-dir FOLDER to add one.',
    );
  });

  it('a usable file says nothing', () => {
    expect(fileFieldNote('code.deployKeyFile', { path: '/k', ok: true })).toBeUndefined();
  });
});

describe('fileNotes: only answers about the path the field still holds', () => {
  it('splits errors from warnings and drops an answer once the field was edited', () => {
    const d = draft();
    const answers: FileAnswers = {
      'code.deployKeyFile': { path: '~/.ssh/deploy', check: answer('missing') },
      'training.secretEnv.0.file': { path: '~/.wandb-key', check: answer('open-permissions') },
      'code.overrides.0.source': { path: '/work/old.yaml', check: answer('missing') },
    };
    const notes = fileNotes(d, answers);
    expect(Object.keys(notes.errors)).toEqual(['code.deployKeyFile']);
    expect(Object.keys(notes.warnings)).toEqual(['training.secretEnv.0.file']);
  });
});
