/**
 * Tags TrainDeck puts on every resource it creates, in the same call that creates it, so
 * there is no moment in which a resource exists without them. The scanner, teardown and
 * crash recovery find resources by these tags alone.
 */

/** The run a resource belongs to. */
export const TAG_RUN_ID = 'traindeck:run-id';
/** Marks a resource as made by TrainDeck (the value names the tool and version). */
export const TAG_CREATED_BY = 'traindeck:created-by';

/** A tag list in the order AWS returns and accepts. */
export type TagMap = Record<string, string>;

/** The tags of one run's resource: run id, creator and a readable `Name`. */
export function runTags(runId: string, name: string, createdBy: string): TagMap {
  return { [TAG_RUN_ID]: runId, [TAG_CREATED_BY]: createdBy, Name: name };
}

/** True when TrainDeck made this resource. */
export function isOurs(tags: TagMap): boolean {
  return TAG_CREATED_BY in tags || TAG_RUN_ID in tags;
}

/** The run a resource belongs to, if any. */
export function runIdOf(tags: TagMap): string | undefined {
  return tags[TAG_RUN_ID];
}

/** Run ids: lowercase, digits and "-", so they fit resource names (key pair, security group). */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,62}$/;

/** A new run id from a run name and a time: `name-YYYYMMDD-HHMMSS-xxxx`. */
export function makeRunId(name: string | undefined, at: Date, random4: string): string {
  const base =
    (name ?? 'run')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30) || 'run';
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${base}-${stamp}-${random4}`;
}
