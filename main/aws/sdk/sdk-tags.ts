import type { TagMap } from '../../../shared/domain/tags';

/** AWS tag lists → a map (absent keys or values dropped). */
export function toTagMap(tags: Array<{ Key?: string | undefined; Value?: string | undefined }> | undefined): TagMap {
  const map: TagMap = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? '';
  return map;
}

/** A map → AWS's `[{ Key, Value }]`. */
export function toTagList(tags: TagMap): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** One `TagSpecifications` entry: tags applied by the create call itself. */
export function tagSpec<T extends string>(resourceType: T, tags: TagMap) {
  return { ResourceType: resourceType, Tags: toTagList(tags) };
}

/** ISO string of an SDK date, if any (a string whenever a date is given). */
export function iso(date: Date): string;
export function iso(date: Date | undefined): string | undefined;
export function iso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}

/** Per-call options of `client.send`: the abort signal. */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}
