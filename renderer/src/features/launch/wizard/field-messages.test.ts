import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { emptyDraft, type WizardDraft } from './draft';
import { fieldEntry } from './field-messages';
import { validateDraft } from './validate';

/** What the schema's own wording (written for the CLI, or zod's defaults) looks like: none of it may reach a field. */
const RAW = [
  /Invalid (input|string|option)/,
  /Too (big|small)/,
  /expected \w/,
  /received \w/,
  /[<>]=/,
  /must match pattern/,
  /Unrecognized key/,
  /\b(?:aws|compute|sshHost|code|storage|training|monitoring)\.[a-zA-Z]/,
  /\btraindeck \w/,
  /\b(?:sseKeyFile|ttlMinutes|diskGb|maxRuntimeMinutes|repoUrl|deployKeyFile)\b/,
];

const sample = fc.constantFrom(
  '',
  ' ',
  'x',
  '12a',
  '-1',
  '0',
  '15',
  '1.5',
  '240',
  '99999999',
  'a'.repeat(70),
  'a..b',
  '-main',
  'feature/x',
  'a b',
  '/etc/x',
  '../x',
  'runs/a*',
  's3://acme/x',
  'Bad_Bucket',
  '192.168.1.1',
  'acme-ml-data',
  'git@github.com:acme/resnet.git',
  'https://user:token@github.com/a/b.git',
  'ami-123',
  'me@host:22',
  'SHA256:xx',
  'github.com',
  'eu-west-1',
  'ssh-ed25519 AAAA',
);

const draftArb = fc
  .record({
    name: sample,
    region: sample,
    profile: sample,
    target: fc.constantFrom('aws-ec2', 'ssh-host'),
    instanceType: sample,
    alternatives: fc.oneof(
      sample,
      fc.constantFrom('g5.xlarge', 'g6.xlarge, g6.xlarge', 'a.b c.d e.f g.h i.j', 'G6 XL', 'g5.2xlarge, g6.xlarge'),
    ),
    amiId: sample,
    diskGb: sample,
    ttlMinutes: sample,
    sshAddress: sample,
    sshIdentityFile: sample,
    sshHostKey: sample,
    repoUrl: sample,
    refKind: fc.constantFrom('branch', 'commit'),
    ref: sample,
    deployKeyFile: sample,
    knownHosts: sample,
    overrides: fc.array(fc.record({ source: sample, target: sample }), { maxLength: 2 }),
    bucket: sample,
    prefix: sample,
    folderName: sample,
    folderLocal: sample,
    keyPath: sample,
    command: sample,
    secretEnv: fc.array(
      fc.record({
        name: fc.oneof(sample, fc.constantFrom('WANDB_API_KEY', 'TRAINDECK_RUN_ID', 'AWS_SESSION_TOKEN')),
        file: sample,
      }),
      { maxLength: 2 },
    ),
  })
  .map((r): WizardDraft => {
    const draft = emptyDraft({ region: r.region });
    draft.account = { name: r.name, profile: r.profile, region: r.region };
    draft.compute = {
      ...draft.compute,
      target: r.target as WizardDraft['compute']['target'],
      instanceType: r.instanceType,
      alternatives: r.alternatives,
      amiId: r.amiId,
      diskGb: r.diskGb,
      ttlMinutes: r.ttlMinutes,
      sshAddress: r.sshAddress,
      sshIdentityFile: r.sshIdentityFile,
      sshHostKey: r.sshHostKey,
    };
    draft.code = {
      repoUrl: r.repoUrl,
      refKind: r.refKind as 'branch' | 'commit',
      ref: r.ref,
      deployKeyFile: r.deployKeyFile,
      knownHosts: r.knownHosts,
      overrides: r.overrides,
    };
    draft.data.bucket = r.bucket;
    draft.data.prefix = r.prefix;
    draft.data.keyPath = r.keyPath;
    draft.data.folders[1] = { ...draft.data.folders[1]!, name: r.folderName, local: r.folderLocal };
    draft.training.command = r.command;
    draft.training.secretEnv = r.secretEnv;
    return draft;
  });

describe('wizard field messages: plain words, never the schema’s', () => {
  it('every issue any draft raises has a field entry and reads as a plain sentence', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(draftArb, (draft) => {
        for (const [key, message] of Object.entries(validateDraft(draft).errors)) {
          seen.add(key.replace(/\.\d+(?=\.|$)/g, '.*'));
          if (!/^training\.(?:env|secretEnv)\./.test(key)) expect(fieldEntry(key), `no entry for ${key}`).toBeDefined();
          for (const raw of RAW) expect(message, `${key}: ${message}`).not.toMatch(raw);
          expect(message, key).toMatch(/^[A-Z"“].*[.)]$/s);
          expect(message, key).not.toMatch(/\.\.$/);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
    // The samples reach the fields the issue lists (and most others).
    for (const key of [
      'name',
      'compute.diskGb',
      'compute.ttlMinutes',
      'compute.alternatives',
      'compute.alternatives.*',
      'code.ref',
      'storage.bucket',
      'code.knownHosts',
    ]) {
      expect(seen, key).toContain(key);
    }
    // 400 drafts: ~3 s on a quiet machine, 17-23 s measured at load 32-35 (the default limit is 20 s).
  }, 90_000);

  it('says the issue’s examples in plain words', () => {
    const draft = emptyDraft();
    draft.account.name = 'a'.repeat(70);
    draft.compute.diskGb = 'abc';
    draft.compute.ttlMinutes = '1.5';
    draft.code = { ...draft.code, repoUrl: 'git@github.com:a/b.git', ref: '-main' };
    const { errors } = validateDraft(draft);
    expect(errors.name).toBe('Use at most 64 characters.');
    expect(errors['compute.diskGb']).toBe('Type a whole number of GB, e.g. 100.');
    expect(errors['compute.ttlMinutes']).toBe('Type a whole number of minutes, e.g. 240.');
    expect(errors['code.ref']).toBe('A branch name cannot start with "-".');
    expect(errors['code.deployKeyFile']).toMatch(
      /^Required for an ssh repository URL: choose the read-only deploy key/,
    );
    expect(errors['storage.key']).toMatch(/^Generate the key/);
  });

  it('says what is wrong with the alternative instance types', () => {
    const errorsWith = (alternatives: string) => {
      const draft = emptyDraft();
      draft.compute.alternatives = alternatives;
      return validateDraft(draft).errors;
    };
    expect(errorsWith('g5.xlarge')['compute.alternatives']).toBe(
      'Leave out the instance type chosen above: list only the other types to try.',
    );
    expect(errorsWith('g6.xlarge g6.xlarge')['compute.alternatives']).toBe('List each type once.');
    expect(errorsWith('a.b, c.d, e.f, g.h, i.j')['compute.alternatives']).toBe('List at most 4 types.');
    expect(errorsWith('G6 XL')['compute.alternatives.0']).toBe(
      'Type instance type names separated by commas, e.g. g5.2xlarge, g6.xlarge.',
    );
    expect(errorsWith('g5.2xlarge, g6.xlarge')['compute.alternatives']).toBeUndefined();
  });
});
