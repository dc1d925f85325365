import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { MAX_SPOT_RELAUNCHES } from '../../../../../shared/domain/spot-relaunch';
import { type RunConfig, runConfigSchema } from '../../../../../shared/run-config/schema';
import { configToDraft, draftToConfig } from './to-config';

/**
 * Invariant: a saved config (template) opened in the wizard and launched without an edit is the
 * config that was saved. The wizard once dropped every setting it had no field for (monitoring
 * thresholds, sampleIntervalSeconds, progressPatterns, sshUser, allowedSshCidr, graceSeconds …),
 * and the run silently used the defaults.
 */

// Free text as a user writes it in a path or a name: unicode and inner spaces (the wizard trims the edges on purpose).
const freeText = fc
  .tuple(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
    fc.constantFrom('', ' ', ' é ', ' 数据 ', '_'),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
  )
  .map(([a, space, b]) => a + space + b)
  .filter((text) => text.length > 0 && text === text.trim());

const upTo = (min: number, max: number) => fc.integer({ min, max });
const instanceType = fc.constantFrom('g5.xlarge', 'g6.2xlarge', 't3.large', 'p4d.24xlarge');
const fingerprint = fc.stringMatching(/^[A-Za-z0-9+/]{43}$/).map((b64) => `SHA256:${b64}`);

const compute = fc.record(
  {
    instanceType,
    market: fc.constantFrom('on-demand', 'spot'),
    diskGb: upTo(20, 16384),
    amiId: fc.stringMatching(/^ami-[0-9a-f]{8,17}$/),
    sshUser: fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/),
    ttlMinutes: upTo(15, 10080),
    shutdownAfterPush: fc.boolean(),
    allowedSshCidr: fc
      .tuple(upTo(0, 255), upTo(0, 255), upTo(0, 255), upTo(0, 255), upTo(24, 32))
      .map(([a, b, c, d, bits]) => `${a}.${b}.${c}.${d}/${bits}`),
    alternatives: fc.uniqueArray(instanceType, { maxLength: 4 }),
    spot: fc.record(
      { fallbackOnDemand: fc.boolean(), maxRelaunches: upTo(0, MAX_SPOT_RELAUNCHES) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['instanceType', 'ttlMinutes'] },
);

const sshHost = fc.record(
  {
    address: fc.constantFrom('ubuntu@10.0.0.5:22', 'me@gpu-box', 'a_b@host.example.org:2222'),
    identityFile: freeText,
    hostKeyFingerprint: fingerprint,
  },
  { requiredKeys: ['address', 'identityFile'] },
);

const code = fc
  .oneof(
    fc.record(
      {
        repoUrl: fc.constant('https://github.com/owner/repo.git'),
        ref: fc.oneof(
          fc.record({ branch: fc.constantFrom('main', 'feature/ü-x', 'release-1.2') }),
          fc.record({ commit: fc.stringMatching(/^[0-9a-f]{7,40}$/) }),
          fc.constant({}),
        ),
        deployKeyFile: freeText,
        knownHosts: fc.constantFrom(
          'gitlab.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
        ),
        overrides: fc.array(fc.record({ source: freeText, target: fc.constantFrom('config.yaml', 'conf/ü x.json') }), {
          maxLength: 3,
        }),
      },
      { requiredKeys: ['repoUrl', 'ref'] },
    ),
    fc.record({
      repoUrl: fc.constant('git@github.com:owner/repo.git'),
      ref: fc.constant({}),
      deployKeyFile: freeText,
    }),
  )
  .map(({ ref, ...rest }) => ({ ...rest, ...ref }));

const training = fc.record(
  {
    command: freeText,
    env: fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.string({ unit: 'grapheme', maxLength: 12 }), {
      maxKeys: 3,
    }),
    secretEnv: fc.dictionary(fc.constantFrom('WANDB_API_KEY', 'HF_TOKEN', 'MY_SECRET'), freeText, { maxKeys: 3 }),
    graceSeconds: upTo(1, 3600),
    diskReserveMb: upTo(0, 1_000_000),
    maxRuntimeMinutes: upTo(1, 10080),
    maxCostUsd: fc.double({ min: 1000, max: 1_000_000, noNaN: true }),
    expectedHours: fc.double({ min: 0.01, max: 168, noNaN: true }),
  },
  { requiredKeys: ['command'] },
);

const monitoring = fc.record(
  {
    sampleIntervalSeconds: upTo(1, 300),
    stall: fc.record(
      {
        minutes: upTo(1, 1440),
        gpuIdlePct: fc.double({ min: 0, max: 100, noNaN: true }),
        cpuIdlePct: fc.double({ min: 0, max: 100, noNaN: true }),
        action: fc.constantFrom('alert', 'stop'),
      },
      { requiredKeys: [] },
    ),
    nonFiniteLoss: fc.constantFrom('off', 'alert', 'stop'),
    progressPatterns: fc.array(fc.constantFrom('(?P<step>\\d+)/(?P<total>\\d+)', 'époque (?P<epoch>\\d+)'), {
      maxLength: 3,
    }),
  },
  { requiredKeys: [] },
);

const storage = fc.record(
  {
    bucket: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/),
    prefix: fc.constantFrom('', 'runs/a', 'runs/ü x/b'),
    region: fc.oneof(fc.constantFrom('', 'us-east-1'), freeText),
    sseKeyFile: freeText,
    localRoot: freeText,
    folders: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[a-z0-9_-]{1,12}$/),
        local: freeText,
        remote: freeText,
        policy: fc.constantFrom('pull-only', 'local-wins', 'newest-wins'),
      }),
      { minLength: 1, maxLength: 3, selector: (folder) => folder.name },
    ),
  },
  { requiredKeys: ['bucket', 'sseKeyFile'] },
);

// A config the wizard can open and launch: a machine (EC2, an own machine, or both sections), code and training.
const machine = fc.oneof(fc.record({ compute }), fc.record({ sshHost }), fc.record({ compute, sshHost }));
const runConfigInput = fc
  .tuple(
    fc.record(
      {
        version: fc.constant(1),
        name: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        aws: fc.record(
          { region: fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2'), profile: freeText },
          { requiredKeys: ['region'] },
        ),
        storage,
        code,
        training,
        monitoring,
      },
      { requiredKeys: ['version', 'aws', 'storage', 'code', 'training'] },
    ),
    machine,
  )
  .map(([rest, machine]) => ({ ...rest, ...machine }));

const validConfig = runConfigInput
  .map((input) => runConfigSchema.safeParse(input))
  .filter((parsed) => parsed.success)
  .map((parsed) => parsed.data as RunConfig);

/** Every path the arbitrary above can write: a schema field missing here fails 'covers every field'. */
const COVERED = [
  'version',
  'name',
  'aws.profile',
  'aws.region',
  'storage.bucket',
  'storage.prefix',
  'storage.region',
  'storage.sseKeyFile',
  'storage.localRoot',
  'storage.folders',
  'compute.instanceType',
  'compute.market',
  'compute.diskGb',
  'compute.amiId',
  'compute.sshUser',
  'compute.ttlMinutes',
  'compute.shutdownAfterPush',
  'compute.allowedSshCidr',
  'compute.alternatives',
  'compute.spot.fallbackOnDemand',
  'compute.spot.maxRelaunches',
  'sshHost.address',
  'sshHost.identityFile',
  'sshHost.hostKeyFingerprint',
  'code.repoUrl',
  'code.branch',
  'code.commit',
  'code.deployKeyFile',
  'code.knownHosts',
  'code.overrides',
  'training.command',
  'training.env',
  'training.secretEnv',
  'training.graceSeconds',
  'training.diskReserveMb',
  'training.maxRuntimeMinutes',
  'training.maxCostUsd',
  'training.expectedHours',
  'monitoring.sampleIntervalSeconds',
  'monitoring.stall.minutes',
  'monitoring.stall.gpuIdlePct',
  'monitoring.stall.cpuIdlePct',
  'monitoring.stall.action',
  'monitoring.nonFiniteLoss',
  'monitoring.progressPatterns',
];

// The schema's leaf fields, read from its zod shape (optional/default wrappers unwrapped).
function leafPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
  if (def.innerType && ['optional', 'default', 'nullable', 'prefault'].includes(def.type)) {
    return leafPaths(def.innerType, prefix);
  }
  if (def.type === 'object') {
    const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
    return Object.entries(shape).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

// Where "absent" and the value the schema reads for absent are one setting, the draft has one way to say it.
function canonical(config: RunConfig): RunConfig {
  const copy = structuredClone(config);
  const spot = copy.compute?.spot;
  if (copy.compute && spot && (copy.compute.market !== 'spot' || (!spot.fallbackOnDemand && !spot.maxRelaunches))) {
    delete copy.compute.spot;
  }
  if (copy.compute?.alternatives?.length === 0) delete copy.compute.alternatives;
  if (copy.training?.secretEnv && Object.keys(copy.training.secretEnv).length === 0) delete copy.training.secretEnv;
  if (copy.monitoring?.stall.action === 'alert') delete copy.monitoring.stall.action;
  if (copy.monitoring?.nonFiniteLoss === 'off') delete copy.monitoring.nonFiniteLoss;
  return copy;
}

function reopened(config: RunConfig): RunConfig {
  const parsed = runConfigSchema.safeParse(draftToConfig(configToDraft(config)));
  if (!parsed.success) throw new Error(`reopened config is invalid: ${parsed.error.message}`);
  return parsed.data;
}

describe('a template opened in the wizard and saved without an edit', () => {
  it('covers every field of the run config schema in the arbitrary', () => {
    expect(leafPaths(runConfigSchema).sort()).toEqual([...COVERED].sort());
  });

  it('is the same config (property)', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        expect(canonical(reopened(config))).toEqual(canonical(config));
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

// The property's counterexamples on the wizard before kept settings (shrunk, one per lost field).
describe('a template keeps what the wizard has no field for', () => {
  const parse = (input: unknown) => runConfigSchema.parse(input);
  const ec2 = (extra: { compute?: object; training?: object; monitoring?: object; storage?: object } = {}) =>
    parse({
      version: 1,
      aws: { region: 'eu-west-1' },
      storage: { bucket: 'my-bucket', prefix: 'runs/a', sseKeyFile: '~/keys/run.key', ...extra.storage },
      compute: { instanceType: 'g5.xlarge', ttlMinutes: 240, ...extra.compute },
      code: { repoUrl: 'https://github.com/owner/repo.git', branch: 'main' },
      training: { command: 'python train.py', ...extra.training },
      ...(extra.monitoring ? { monitoring: extra.monitoring } : {}),
    });

  it.each([
    ['training.graceSeconds', ec2({ training: { graceSeconds: 1 } })],
    ['training.diskReserveMb', ec2({ training: { diskReserveMb: 0 } })],
    ['training.maxRuntimeMinutes (of an EC2 template)', ec2({ training: { maxRuntimeMinutes: 30 } })],
    ['compute.sshUser', ec2({ compute: { sshUser: 'admin' } })],
    ['compute.allowedSshCidr', ec2({ compute: { allowedSshCidr: '203.0.113.7/32' } })],
    ['monitoring.sampleIntervalSeconds', ec2({ monitoring: { sampleIntervalSeconds: 5 } })],
    ['monitoring.stall thresholds', ec2({ monitoring: { stall: { minutes: 3, gpuIdlePct: 2.5, cpuIdlePct: 90 } } })],
    ['monitoring.progressPatterns', ec2({ monitoring: { progressPatterns: ['époque (?P<epoch>\\d+)'] } })],
    ['an empty storage.region', ec2({ storage: { region: '' } })],
  ])('%s', (_field, config) => {
    expect(reopened(config)).toEqual(config);
  });

  it("keeps an own machine's template's compute section (both sections given)", () => {
    const config = parse({
      ...ec2({ compute: { sshUser: 'admin' } }),
      sshHost: { address: 'ubuntu@10.0.0.5:22', identityFile: '~/.ssh/id ed25519' },
    });
    expect(reopened(config)).toEqual(config);
  });

  it("drops the EC2 section's kept settings when the user switches to an own machine", () => {
    const draft = configToDraft(ec2({ compute: { sshUser: 'admin' }, training: { graceSeconds: 5 } }));
    const switched = {
      ...draft,
      compute: { ...draft.compute, target: 'ssh-host' as const, sshAddress: 'ubuntu@10.0.0.5:22' },
    };
    const config = parse(draftToConfig(switched));
    expect(config.compute).toBeUndefined();
    expect(config.training?.graceSeconds).toBe(5);
  });

  it('lets an emptied field stay empty (the draft wins over the template)', () => {
    const draft = configToDraft(ec2({ compute: { amiId: 'ami-0123456789abcdef0' } }));
    const config = parse(draftToConfig({ ...draft, compute: { ...draft.compute, amiId: '' } }));
    expect(config.compute?.amiId).toBeUndefined();
  });
});
