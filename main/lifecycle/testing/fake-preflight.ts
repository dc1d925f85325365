import type { RunConfig } from '../../../shared/run-config/schema';
import { runPreflight } from '../preflight/run-preflight';
import { fakeWorld } from './fake-lifecycle';

/** The in-memory world of a preflight test. */
export type FakePreflightWorld = Awaited<ReturnType<typeof fakeWorld>>;

/** The one preflight over {@link fakeWorld} with `compute` patched in; `seed` shapes the account first. */
export async function fakePreflight(
  compute: Partial<NonNullable<RunConfig['compute']>>,
  seed?: (world: FakePreflightWorld) => void,
) {
  const world = await fakeWorld({ compute });
  seed?.(world);
  const result = await runPreflight({
    config: world.config,
    ports: world.fake.ports(),
    publicIp: world.deps.publicIp,
    env: world.deps.env,
    clock: world.clock,
  });
  return { world, ...result };
}
