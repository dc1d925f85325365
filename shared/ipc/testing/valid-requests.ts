import type { RunConfig } from '../../run-config/schema';
import type { CommandName, CommandRequest } from '../contract';

const SAMPLE_CONFIG: RunConfig = {
  version: 1,
  aws: { region: 'eu-west-1' },
  storage: {
    bucket: 'td-data',
    prefix: 'team/demo',
    sseKeyFile: 'traindeck.key',
    localRoot: 'data',
    folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
  },
};

/**
 * One valid request per command, for contract tests. A mapped type, so adding a command
 * without a sample here is a compile error, and the tests cover it automatically.
 */
export const VALID_REQUESTS: { [C in CommandName]: CommandRequest<C> } = {
  'app.info': {},
  'app.ping': { echo: 'hello' },
  'system.doctor': {},
  'jobs.list': {},
  'jobs.cancel': { jobId: 'no-such-job' },
  'aws.profiles': {},
  'aws.identity': { region: 'eu-west-1' },
  'aws.instanceTypes': { profile: 'ml', region: 'eu-west-1' },
  'aws.prices': { profile: 'ml', region: 'eu-west-1', instanceType: 'g5.xlarge' },
  'preflight.run': { config: SAMPLE_CONFIG },
  'costs.scan': {},
  'costs.untrackedPhrase': { resourceIds: ['i-0123456789abcdef0'] },
  'costs.killAll': { resourceIds: ['i-0123456789abcdef0'], includeUntracked: false },
  'costs.teardownRun': { runId: 'demo-20250601-120000-ab12' },
  'templates.list': {},
  'templates.save': { name: 'resnet nightly', config: SAMPLE_CONFIG },
  'templates.delete': { name: 'resnet nightly' },
  'config.export': { config: SAMPLE_CONFIG },
  'config.checkFiles': { paths: ['/etc/hostname'] },
  'keys.generate': { path: '/tmp/traindeck-contract-test.key' },
  'keys.inspect': { path: '/tmp/traindeck-contract-test.key' },
  'keys.seal': { path: '/tmp/traindeck-contract-test.key' },
  'keys.export': { path: '/tmp/traindeck-contract-test.key', to: '/tmp/traindeck-contract-test.backup.key' },
  'monitor.list': {},
  'monitor.snapshot': { runId: 'run-2026-demo', points: 300 },
  'runs.start': {
    config: SAMPLE_CONFIG,
    backend: 'ssh-host',
    host: { address: 'ubuntu@10.0.0.5:22', identityFile: '/home/me/.ssh/id_ed25519' },
  },
  'runs.list': {},
  'runs.get': { runId: 'run-1' },
  'runs.cancel': { runId: 'run-1' },
  'runs.pushNow': { runId: 'r1', folders: ['checkpoints'] },
  'runs.newestCheckpoint': { runId: 'r1' },
  'runs.unfinished': {},
  'runs.reattach': { runId: 'run-1' },
  'runs.retry': { runId: 'run-1' },
  'runs.report': { runId: 'run-1' },
  'runs.saveReport': { runId: 'run-1' },
  'settings.get': {},
  'settings.update': { theme: 'dark', monitoring: { stall: { minutes: 20 } } },
  'settings.chooseDataFolder': { reset: true },
  'webhook.get': {},
  'webhook.set': { url: 'https://hooks.slack.com/services/T/B/X', format: 'slack' },
  'webhook.clear': {},
  'webhook.test': {},
  'aws.regions': {},
};
