import { TypedError } from '../../shared/ipc/result';
import { type ObjectHead, type ObjectStore, StoreError, TAG_KEY_FINGERPRINT } from '../aws/ports/object-store';
import { sha256Buffer } from './hash-file';
import { syncRetry, withRetry } from './retry';

/** The marker object of a prefix, written with the prefix's key: `PREFIX/.traindeck/key-fingerprint`. */
export function keyMarkerKey(prefix: string): string {
  return [prefix, '.traindeck/key-fingerprint'].filter((part) => part.length > 0).join('/');
}

/** What the check found: a marker written with this key, or a prefix with no marker yet (and nothing against the key). */
export type KeyIdentity = 'marked' | 'unmarked';

/** Objects whose key tag is looked at when a prefix has no marker yet (objects written before markers existed). */
const SAMPLE = 5;

/**
 * Refuses a key that is not the one the prefix's objects use, before anything is read or
 * written: a HEAD of the marker with this key fails with another key (SSE-C), and the
 * marker's tag (readable without the key) names the right fingerprint. A prefix without a
 * marker is checked on a few of its objects (their key tags, else a HEAD with this key).
 * Every sync, run and delete goes through here; preflight can call it on its own.
 */
export async function checkKeyIdentity(store: ObjectStore, prefix: string, signal?: AbortSignal): Promise<KeyIdentity> {
  const marker = keyMarkerKey(prefix);
  const retry = syncRetry(signal);
  const head = await withRetry(() => store.head(marker, signal), retry).catch((error: unknown) => error);
  if (!(head instanceof Error)) return 'marked';
  if (!(head instanceof StoreError)) throw head;
  if (head.kind === 'wrong-key' || head.kind === 'key-required') {
    const tags = await store.tags(marker, signal).catch(() => ({}) as Record<string, string>);
    throw wrongKey(store, prefix, tags[TAG_KEY_FINGERPRINT]);
  }
  if (head.kind !== 'not-found') throw head;

  const objects = (await withRetry(() => store.list(prefix ? `${prefix}/` : '', signal), retry)).filter(
    (o) => o.key !== marker,
  );
  // Objects of several keys can share an old prefix: any one this key reads makes it the prefix's key.
  let foreign: { fingerprint?: string } | undefined;
  for (const object of objects.slice(0, SAMPLE)) {
    const tags = await withRetry(() => store.tags(object.key, signal), retry).catch(() => undefined);
    const theirs = tags?.[TAG_KEY_FINGERPRINT];
    if (theirs === store.keyFingerprint) return 'unmarked';
    if (theirs) {
      foreign ??= { fingerprint: theirs };
      continue;
    }
    const readable: ObjectHead | unknown = await withRetry(() => store.head(object.key, signal), retry).catch(
      (error: unknown) => error,
    );
    // An object stored without SSE-C says nothing about keys (any key reads it): not "another key", not this one.
    if (!(readable instanceof Error) && (readable as ObjectHead).encrypted === false) continue;
    if (!(readable instanceof Error)) return 'unmarked';
    if (readable instanceof StoreError && (readable.kind === 'wrong-key' || readable.kind === 'key-required')) {
      foreign ??= {};
    }
  }
  if (foreign) throw wrongKey(store, prefix, foreign.fingerprint);
  return 'unmarked';
}

/**
 * Writes the prefix's marker with this store's key (a first push). Call only after
 * {@link checkKeyIdentity} found nothing against the key.
 */
export async function writeKeyMarker(store: ObjectStore, prefix: string, signal?: AbortSignal): Promise<void> {
  const body = Buffer.from(
    `This prefix is written by TrainDeck with the SSE-C key ${store.keyFingerprint}; other keys are refused.\n`,
  );
  const sha256 = sha256Buffer(body);
  await withRetry(
    () => store.put({ key: keyMarkerKey(prefix), body: { buffer: body }, bodySha256: sha256, metadata: {} }, signal),
    syncRetry(signal),
  );
}

function wrongKey(store: ObjectStore, prefix: string, theirs: string | undefined): TypedError {
  const where = `s3://${store.bucket}/${prefix ? `${prefix}/` : ''}`;
  const expected = theirs ? `with the SSE-C key ${theirs}` : 'with another SSE-C key';
  return new TypedError(
    'PRECONDITION_FAILED',
    `${where} is written ${expected}, not with yours (${store.keyFingerprint}); nothing was read or written.`,
    {
      fix: `Point storage.sseKeyFile at the key${theirs ? ` whose fingerprint is ${theirs}` : ' that wrote this prefix'} (\`traindeck key fingerprint FILE\` prints one), or use another storage.prefix for this key.`,
      details: { expected: theirs ?? null, actual: store.keyFingerprint },
    },
  );
}
