import type { RunEvent } from '../../../shared/domain/run';
import { type RunConfig, runConfigSchema } from '../../../shared/run-config/schema';
import { silentLogger } from '../../core/logger';
import { type RunResources, RunService, type RunServiceDeps } from '../run-service';

/** A valid run config for run-service tests whose pipeline is mocked (nothing in it is ever reached). */
export const STUB_RUN_CONFIG: RunConfig = runConfigSchema.parse({
  version: 1,
  aws: { region: 'eu-west-1' },
  storage: { bucket: 'td-data', sseKeyFile: '/k' },
  code: { repoUrl: 'https://github.com/acme/train.git', branch: 'main' },
  training: { command: 'python train.py' },
});

/**
 * A RunService over `dataDir` for tests that mock `prepareRun`/`runPipeline` (`vi.mock` stays in each
 * test file: it is hoisted there): its events go to `events`, its resources are never used.
 */
export function stubbedRunService(
  dataDir: string,
  events: RunEvent[] = [],
  extra: Partial<RunServiceDeps> = {},
): RunService {
  return new RunService({
    dataDir,
    emit: (e) => events.push(e),
    now: Date.now,
    log: silentLogger,
    resources: async () => ({}) as RunResources,
    ...extra,
  });
}
