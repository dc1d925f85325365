import type { ExecutorSecrets } from '../../../shared/executor/protocol';
import type { ObjectStore } from '../../aws/ports/object-store';
import type { FakeWorld } from '../../lifecycle/testing/fake-lifecycle';
import { createEc2Backend } from '../backends/ec2-backend';
import type { RunEventBody } from '../pipeline/phase-tracker';
import { runPipeline, type SpecTemplate } from '../pipeline/run-pipeline';

/**
 * Runs the pipeline on the aws-ec2 backend of a fake world, for scenarios that end during
 * provisioning (nothing past it is wired: no executor, no store). Returns the result, every
 * event, and a finder for one phase event.
 */
export async function runEc2PipelineOn(world: FakeWorld, runId: string) {
  const events: RunEventBody[] = [];
  const result = await runPipeline({
    runId,
    spec: {} as SpecTemplate,
    secrets: {} as ExecutorSecrets,
    uploads: [],
    backend: createEc2Backend(world.config, runId, world.deps),
    store: {} as ObjectStore,
    bundleDir: '',
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
  });
  const phase = (name: string, status: string) =>
    events.find(
      (e): e is Extract<RunEventBody, { type: 'phase' }> =>
        e.type === 'phase' && e.phase === name && e.status === status,
    );
  return { result, events, phase };
}
