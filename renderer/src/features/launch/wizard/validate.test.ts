import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { RegionPrices } from '../../../../../shared/domain/account';
import { PRICE_TABLE } from '../../../../../shared/pricing/price-table';
import { storageSchema } from '../../../../../shared/run-config/schema';
import { quoteFor } from '../components/wizard/cost-estimate';
import type { Loaded } from '../stores/wizard-aws';
import { emptyDraft, proposedPrefix, type WizardDraft } from './draft';
import { configToDraft } from './to-config';
import { pricesKey, stepErrors, validateDraft } from './validate';

// An EC2 draft that passes (4 h TTL, eu-west-1), for the tests of one field.
function validEc2Draft() {
  const draft = emptyDraft({ region: 'eu-west-1' });
  draft.compute.ttlMinutes = '240';
  draft.code.repoUrl = 'https://github.com/acme/resnet.git';
  draft.data = { ...draft.data, bucket: 'acme-ml-data', prefix: 'p', keyFingerprint: 'sha256:01', keyPath: '/k' };
  draft.training.command = 'python train.py';
  return draft;
}

// The region's prices as aws.prices answers them (live, eu-west-1), `factor` × the bundled us-east-1 figures.
function regionPrices(factor: number): RegionPrices {
  const scale = (prices: Record<string, number>) =>
    Object.fromEntries(Object.entries(prices).map(([key, usd]) => [key, usd * factor]));
  return {
    table: {
      ...PRICE_TABLE,
      instanceHourly: scale(PRICE_TABLE.instanceHourly),
      ebsGbMonth: scale(PRICE_TABLE.ebsGbMonth),
      origin: { source: 'live', region: 'eu-west-1', asOf: '2026-12-06T05:00:00.000Z' },
    },
  };
}
const loaded = (draft: WizardDraft, value: RegionPrices): Loaded<RegionPrices> => ({
  key: pricesKey(draft),
  loading: false,
  value,
});

describe('wizard validation (the shared run config schema)', () => {
  it('reports a missing TTL and a bad bucket name on their fields, per step', () => {
    const draft = emptyDraft();
    draft.data.bucket = 'Bad_Bucket';
    const { errors, config } = validateDraft(draft);
    expect(config).toBeUndefined();
    expect(stepErrors(errors, 'compute')['compute.ttlMinutes']).toMatch(/^Required: the hard limit/);
    expect(stepErrors(errors, 'data')['storage.bucket']).toMatch(/^A bucket name uses lowercase letters/);
    expect(stepErrors(errors, 'data')['storage.key']).toMatch(/^Generate the key/);
    expect(stepErrors(errors, 'account')).toEqual({});
  });

  it('refuses an override target outside the repo and a duplicated env var', () => {
    const draft = emptyDraft();
    draft.code = {
      repoUrl: 'https://github.com/acme/resnet.git',
      refKind: 'branch',
      ref: 'main',
      deployKeyFile: '',
      knownHosts: '',
      overrides: [{ source: '/tmp/a', target: '../x' }],
    };
    draft.training.env = [
      { name: 'A', value: '1' },
      { name: 'A', value: '2' },
    ];
    const { errors } = validateDraft(draft);
    expect(errors['code.overrides.0.target']).toMatch(/must stay inside the repo/);
    expect(errors['training.env.1.name']).toMatch(/set twice/);
  });

  it('turns a complete draft into a valid config', () => {
    const draft = emptyDraft({ region: 'eu-west-1' });
    draft.compute.ttlMinutes = '240';
    draft.code.repoUrl = 'https://github.com/acme/resnet.git';
    draft.data = {
      ...draft.data,
      bucket: 'acme-ml-data',
      prefix: 'p',
      keyFingerprint: 'sha256:0123456789abcdef',
      keyPath: '/k',
    };
    draft.training.command = 'python train.py';
    const { errors, config } = validateDraft(draft);
    expect(errors).toEqual({});
    expect(config?.compute).toMatchObject({ ttlMinutes: 240, diskGb: 100, instanceType: 'g5.xlarge' });
  });

  it('the stop rules: a budget below one hour of the instance (at the region prices) in plain words on its field, the actions round-trip', () => {
    const draft = validEc2Draft();
    draft.training.maxCostUsd = '0.5';
    const small = validateDraft(draft, loaded(draft, regionPrices(1.12))).errors;
    expect(stepErrors(small, 'training')['training.maxCostUsd']).toMatch(
      /^The budget of \$0\.500 is less than one hour of g5\.xlarge \(\$1\.\d\d\/h with its disk and public IPv4, AWS prices of eu-west-1 of 2026-12-06\), so the run would be stopped before it trains: raise it to at least \$1\.\d\d, or pick a cheaper instance type\.$/,
    );
    draft.training.maxCostUsd = 'ten';
    expect(validateDraft(draft).errors['training.maxCostUsd']).toBe(
      'Type an amount in US dollars, e.g. 25, or leave the field empty for no budget.',
    );
    draft.training.maxCostUsd = '0';
    expect(validateDraft(draft).errors['training.maxCostUsd']).toBe(
      'More than $0, or leave the field empty for no budget.',
    );
    // Defaults write no monitoring section (the Settings page's stall rule stays in force).
    draft.training.maxCostUsd = '';
    expect(validateDraft(draft).config?.monitoring).toBeUndefined();
    draft.training = { ...draft.training, maxCostUsd: '25', stallAction: 'stop', lossAction: 'alert' };
    const { errors, config } = validateDraft(draft);
    expect(errors).toEqual({});
    expect(config?.training?.maxCostUsd).toBe(25);
    expect(config?.monitoring).toMatchObject({ stall: { action: 'stop', minutes: 10 }, nonFiniteLoss: 'alert' });
    expect(configToDraft(config!).training).toMatchObject({
      maxCostUsd: '25',
      stallAction: 'stop',
      lossAction: 'alert',
    });
  });

  // #17: the wizard judged the budget at the bundled us-east-1 prices while Review quoted the region's
  // ($1.02 vs $1.13/h for g5.xlarge in eu-west-1): a $1.10 budget passed the Training step, then the
  // run was stopped before it trained. One source now: the region's prices Review quotes.
  it('a budget between the bundled hour and the region hour is refused at the region prices Review quotes', () => {
    const draft = validEc2Draft();
    draft.training.maxCostUsd = '1.10';
    const region = regionPrices(1.12);
    const error = validateDraft(draft, loaded(draft, region)).errors['training.maxCostUsd'];
    expect(error).toMatch(
      /^The budget of \$1\.10 is less than one hour of g5\.xlarge \(\$1\.1\d\/h .*AWS prices of eu-west-1 of 2026-12-06/,
    );
    expect(validateDraft(draft, loaded(draft, region)).config).toBeUndefined();
    // Review's figure for the same draft is that hour: the wizard and Review agree.
    const hourly = quoteFor(validateDraft(draft).config!, region, 1)!.hourlyUsd!;
    expect(error).toContain(`($${hourly.toFixed(2)}/h`);
    // A region cheaper than the bundled figures does not refuse a budget above its own hour.
    draft.training.maxCostUsd = '1.00';
    expect(validateDraft(draft, loaded(draft, regionPrices(0.9))).errors['training.maxCostUsd']).toBeUndefined();
  });

  // #17: the preflight refused a budget below one hour of any alternative a capacity failover may launch,
  // while the wizard checked only the chosen type: $1.30 passed the Training step for g5.xlarge ($1.14/h)
  // with g5.2xlarge as an alternative, and the preflight then failed it. One rule now (shared/monitor/budget.ts).
  it('a budget that covers the chosen type but not a dearer alternative is refused at its field, naming the alternative', () => {
    const draft = validEc2Draft();
    draft.compute.alternatives = 'g4dn.xlarge, g5.2xlarge';
    draft.training.maxCostUsd = '1.30';
    const region = regionPrices(1.12);
    const error = validateDraft(draft, loaded(draft, region)).errors['training.maxCostUsd'];
    // Review's hour of the alternative, were it the chosen type.
    const config = validateDraft(draft).config!;
    const g52 = quoteFor(
      { ...config, compute: { ...config.compute!, instanceType: 'g5.2xlarge' } },
      region,
      1,
    )!.hourlyUsd!;
    expect(g52).toBeGreaterThan(1.3);
    expect(error).toBe(
      `A capacity failover may launch g5.2xlarge (one of the alternative instance types), and the budget of $1.30 is less than one hour of g5.2xlarge ($${g52.toFixed(2)}/h with its disk and public IPv4, AWS prices of eu-west-1 of 2026-12-06), so the run would be stopped before it trains: raise it to at least $${(Math.ceil(g52 * 100) / 100).toFixed(2)}, or remove g5.2xlarge from the alternative instance types.`,
    );
    // The dearest is named whichever comes first, and its least budget covers every type.
    draft.compute.alternatives = 'g5.2xlarge, g4dn.xlarge';
    draft.training.maxCostUsd = '0.5';
    expect(validateDraft(draft, loaded(draft, region)).errors['training.maxCostUsd']).toMatch(
      /^A capacity failover may launch g5\.2xlarge .* less than one hour of g5\.2xlarge /,
    );
    // Enough for the dearest: no error; without alternatives, the chosen type's hour alone decides.
    draft.training.maxCostUsd = (Math.ceil(g52 * 100) / 100).toFixed(2);
    expect(validateDraft(draft, loaded(draft, region)).errors).toEqual({});
    draft.compute.alternatives = '';
    draft.training.maxCostUsd = '1.30';
    expect(validateDraft(draft, loaded(draft, region)).errors).toEqual({});
  });

  it('prices of another region or type, or still loading: no verdict (preflight judges); failed: the bundled table, said so', () => {
    const draft = validEc2Draft();
    draft.training.maxCostUsd = '0.5';
    const region = regionPrices(1.12);
    expect(validateDraft(draft, { ...loaded(draft, region), key: 'other@us-east-1:g5.xlarge' }).errors).toEqual({});
    expect(validateDraft(draft, { key: pricesKey(draft), loading: true }).errors).toEqual({});
    const failed = validateDraft(draft, {
      key: pricesKey(draft),
      loading: false,
      error: { code: 'aws', message: 'The Price List could not be reached.' },
    } as Loaded<RegionPrices>).errors['training.maxCostUsd'];
    expect(failed).toContain('the bundled us-east-1 prices of 2025-06-15 (live prices of eu-west-1 unavailable)');
  });

  it('spot relaunches: in plain words on their field, on spot only, and they round-trip (a template kept them)', () => {
    const draft = validEc2Draft();
    draft.compute.market = 'spot';
    draft.compute.maxRelaunches = '-1';
    expect(validateDraft(draft).errors['compute.spot.maxRelaunches']).toBe('Type 0 (off) or more.');
    draft.compute.maxRelaunches = 'two';
    expect(validateDraft(draft).errors['compute.spot.maxRelaunches']).toBe(
      'Type a whole number of relaunches, e.g. 2, or leave the field empty for none.',
    );
    draft.compute.maxRelaunches = '2';
    draft.compute.fallbackOnDemand = true;
    const { config } = validateDraft(draft);
    expect(config?.compute?.spot).toEqual({ fallbackOnDemand: true, maxRelaunches: 2 });
    // Before: a saved config's maxRelaunches was dropped when the wizard opened it.
    expect(configToDraft(config!).compute).toMatchObject({ maxRelaunches: '2', fallbackOnDemand: true });
    draft.compute.market = 'on-demand';
    expect(validateDraft(draft).config?.compute?.spot?.maxRelaunches ?? 0).toBe(0);
  });

  it('the expected training time: plain-word errors on its field (never a config key), and it round-trips', () => {
    const draft = validEc2Draft();
    const said = (typed: string) => {
      draft.training.expectedHours = typed;
      return stepErrors(validateDraft(draft).errors, 'training')['training.expectedHours'];
    };
    expect(said('5')).toBe(
      'Longer than the run may live (its time limit is 4 h): raise the time limit in the Compute step, or lower this.',
    );
    expect(said('six')).toBe('Type a number of hours, e.g. 6, or leave the field empty.');
    expect(said('0')).toBe('More than 0 hours, or leave the field empty.');
    expect(said('200')).toBe('At most 168 hours (7 days, the longest time limit).');
    expect(said('')).toBeUndefined();
    expect(said('3.5')).toBeUndefined();
    const { config } = validateDraft(draft);
    expect(config?.training?.expectedHours).toBe(3.5);
    expect(configToDraft(config!).training.expectedHours).toBe('3.5');
  });

  it('an ssh-host draft becomes an sshHost section (no compute), its time limit the training limit, and round-trips as a template', () => {
    const draft = emptyDraft({ region: 'eu-west-1' });
    draft.compute = {
      ...draft.compute,
      target: 'ssh-host',
      sshAddress: 'me@127.0.0.1:2222',
      sshIdentityFile: '~/.ssh/id_ed25519',
      ttlMinutes: '90',
    };
    draft.code.repoUrl = 'https://github.com/acme/resnet.git';
    draft.data = { ...draft.data, bucket: 'acme-ml-data', keyFingerprint: 'sha256:0123456789abcdef', keyPath: '/k' };
    draft.training.command = 'python train.py';
    const { errors, config } = validateDraft(draft);
    expect(errors).toEqual({});
    expect(config?.compute).toBeUndefined();
    expect(config?.sshHost).toEqual({ address: 'me@127.0.0.1:2222', identityFile: '~/.ssh/id_ed25519' });
    expect(config?.training?.maxRuntimeMinutes).toBe(90);
    expect(configToDraft(config!).compute).toMatchObject({
      target: 'ssh-host',
      sshAddress: 'me@127.0.0.1:2222',
      ttlMinutes: '90',
      sshHostKey: '',
    });
  });

  it('an emptied disk size is said at its field (it was launched as the schema default, 100 GB, with the field empty)', () => {
    const draft = validEc2Draft();
    draft.compute.diskGb = ' ';
    expect(stepErrors(validateDraft(draft).errors, 'compute')).toEqual({
      'compute.diskGb': 'Required: the size of the root volume in GB, e.g. 100.',
    });
    draft.compute.target = 'ssh-host';
    expect(validateDraft(draft).errors['compute.diskGb']).toBeUndefined();
  });

  it('a template keeps the bucket region and data folder it was saved with (the wizard shows neither)', () => {
    const { config } = validateDraft(validEc2Draft());
    const saved = { ...config!, storage: { ...config!.storage, region: 'us-east-1', localRoot: '/srv/td-data' } };
    // Before: both were dropped when the wizard opened the template, so Review priced a cross-region
    // bucket as free transfer and the run synced under "data" instead of the template's folder.
    const reopened = validateDraft({
      ...configToDraft(saved),
      data: { ...configToDraft(saved).data, keyFingerprint: 'sha256:01' },
    });
    expect(reopened.config?.storage).toMatchObject({ region: 'us-east-1', localRoot: '/srv/td-data' });
    expect(validateDraft(validEc2Draft()).config?.storage.region).toBeUndefined();
  });

  it('shows ssh-host mistakes on the Compute step fields', () => {
    const draft = emptyDraft();
    draft.compute = {
      ...draft.compute,
      target: 'ssh-host',
      sshAddress: 'no-user-here',
      sshIdentityFile: '',
      sshHostKey: 'MD5:xx',
      ttlMinutes: '0',
    };
    const compute = stepErrors(validateDraft(draft).errors, 'compute');
    expect(compute['sshHost.address']).toMatch(/user@host/);
    expect(compute['sshHost.identityFile']).toMatch(/^Required: the private key file that logs in/);
    expect(compute['sshHost.hostKeyFingerprint']).toMatch(/SHA256:/);
    expect(compute['compute.ttlMinutes']).toBeDefined();
    expect(compute['compute.instanceType']).toBeUndefined();
  });

  it('an EC2 run needs a prefix, and the error proposes one from the run name', () => {
    const draft = emptyDraft();
    draft.account.name = 'ResNet 50 / v2*';
    expect(validateDraft(draft).errors['storage.prefix']).toMatch(/^Required for an EC2 run: .*"runs\/resnet-50-v2"/);
    draft.compute.target = 'ssh-host';
    expect(validateDraft(draft).errors['storage.prefix']).toBeUndefined();
  });

  it('the proposed prefix passes the schema for any run name (no IAM wildcard or variable)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (name) => {
        const prefix = proposedPrefix(name);
        expect(storageSchema.safeParse({ bucket: 'td-data', prefix, sseKeyFile: 'k' }).success).toBe(true);
        expect(prefix).not.toMatch(/[*?$]/);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('secret variables in the wizard (name → file)', () => {
  it('becomes training.secretEnv (paths only) and comes back from a template', () => {
    const draft = validEc2Draft();
    draft.training.secretEnv = [
      { name: 'WANDB_API_KEY', file: ' ~/.wandb-key ' },
      { name: '', file: '' },
    ];
    const { errors, config } = validateDraft(draft);
    expect(errors).toEqual({});
    expect(config?.training?.secretEnv).toEqual({ WANDB_API_KEY: '~/.wandb-key' });
    expect(configToDraft(config!).training.secretEnv).toEqual([{ name: 'WANDB_API_KEY', file: '~/.wandb-key' }]);
    // No row, no key: a config without secrets stays as it was.
    expect(validateDraft(validEc2Draft()).config?.training).not.toHaveProperty('secretEnv');
  });

  it('names each row problem in plain words on its own cell', () => {
    const draft = validEc2Draft();
    draft.training.env = [{ name: 'HF_TOKEN', value: 'x' }];
    draft.training.secretEnv = [
      { name: 'wandb_key', file: '~/.w' },
      { name: 'TRAINDECK_RUN_ID', file: '~/.t' },
      { name: 'A', file: '' },
      { name: 'A', file: '~/.a' },
      { name: 'HF_TOKEN', file: '~/.hf' },
      { name: '', file: '~/.n' },
    ];
    const { errors, config } = validateDraft(draft);
    expect(config).toBeUndefined();
    expect(errors['training.secretEnv.0.name']).toMatch(/^"wandb_key" is not a usable name: use upper-case letters/);
    expect(errors['training.secretEnv.1.name']).toMatch(/TrainDeck sets the TRAINDECK_… variables itself/);
    expect(errors['training.secretEnv.2.file']).toBe(
      'Give the file that holds the value, e.g. ~/.wandb-key (not the value itself).',
    );
    expect(errors['training.secretEnv.3.name']).toBe('"A" is set twice.');
    expect(errors['training.secretEnv.4.name']).toBe('"HF_TOKEN" is also a plain variable above: keep it here only.');
    expect(errors['training.secretEnv.5.name']).toBe('Give the variable a name, e.g. WANDB_API_KEY.');
    expect(Object.keys(stepErrors(errors, 'training')).length).toBe(6);
  });
});
