import fc from 'fast-check';

import type { StoreFault } from '../instrumented-store';

/** Local file mtimes and remote recorded mtimes come from one small range, so ties are common. */
export const MTIME_BASE = 1_767_225_600_000; // 2026-01-01T00:00:00Z
export const MTIME_STEP = 1000;

/** Who writes an object behind the engine's back. */
export type RemoteWriter = 'traindeck' | 'awscli' | 'no-sse-c';

/** One step of a scenario: a user action, a sync, or a change of configuration. */
export type ModelStep =
  | { t: 'local-write'; folder: number; path: string[]; content: string; mtime: number }
  | { t: 'local-delete'; pick: number }
  /** The user removes a file the last sync saw and pushes at once (the deletes a push makes). */
  | { t: 'clean-and-push'; pick: number }
  | { t: 'remote-write'; folder: number; suffix: string; content: string; mtime: number; by: RemoteWriter }
  | { t: 'remote-delete'; pick: number }
  | { t: 'sync'; direction: 'pull' | 'push'; fault: SyncFault; concurrency: number; dryRun: boolean }
  | { t: 'round-trip' }
  | { t: 'key-change'; key: number }
  | { t: 'mapping-change'; folder: number; side: 'local' | 'remote'; variant: number };

/** A store fault, or a local file rewritten while the sync runs (right after store call `at` returns). */
export type SyncFault = StoreFault | { kind: 'edit'; at: number; content: string; mtime: number };

const longName = (char: string, bytes: number) => char.repeat(Math.floor(bytes / Buffer.byteLength(char)));

/** File-name components a user can create: unicode in both normal forms, URL-ish characters, long names. */
const LOCAL_SEGMENTS = [
  'a',
  'b',
  'x y',
  '100%',
  '%41',
  'a+b',
  '#tag',
  'caf\u00e9', // NFC
  'cafe\u0301', // NFD: another name on Linux
  '\u00fc.bin',
  '.hidden',
  'ckpt.traindeck-partial-1a2b',
  '.traindeck',
  'models',
  longName('l', 200),
  longName('m', 228),
  longName('n', 255),
  longName('\u00e9', 240),
  longName('\u{1d11e}', 252),
];

/** Object-key components beyond those: empty (`//`), dot segments, a backslash, a control character. */
const REMOTE_ONLY_SEGMENTS = ['', '.', '..', 'a\\b', 'bell\u0007', 'logs', 'checkpoints'];

/** How many `..` a key may hold: the sandbox nests the local root three folders deep, so none escapes it. */
const MAX_DOT_DOT = 3;

/** Which names a scenario uses: adversarial ones everywhere, or plain ones. */
export type NameSet = 'adversarial' | 'plain';

/**
 * Which kinds of trouble scenarios contain, one switch per defect class of issue 11. The model
 * holds every invariant on every scenario it generates; a class is switched off only while
 * the engine's fix for it has not landed (see active-invariants.ts).
 */
export interface ScenarioClasses {
  /** Class 1/2: `..`, `//`, markers, control characters, long and NFC/NFD names, temp-like names. */
  names: NameSet;
  /** Class 8: objects written by awscli (no TrainDeck metadata) or stored without SSE-C. */
  foreignObjects: boolean;
  /** Class 2: kill -9 of a pull at any S3 call (temp files and the lock left behind). */
  crashesInPull: boolean;
  /** Class 4: kill -9 of a push at any S3 call (incomplete multipart uploads left behind). */
  crashesInPush: boolean;
  /** Class 3: a file rewritten while it uploads. */
  editsDuringSync: boolean;
  /** Class 5: syncs with another SSE-C key than the prefix's. */
  keyChanges: boolean;
  /** Class 12: a folder's local path or S3 name changed between syncs. */
  mappingChanges: boolean;
}

/** Every class on: what the model test runs once every fix has landed. */
export const ALL_CLASSES: ScenarioClasses = {
  names: 'adversarial',
  foreignObjects: true,
  crashesInPull: true,
  crashesInPush: true,
  editsDuringSync: true,
  keyChanges: true,
  mappingChanges: true,
};

const PLAIN_SEGMENTS = ['a', 'b', 'c'];

// Files of 48 bytes or more go multipart in memory (16-byte parts): about half of them.
const content = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('', 'v1', 'v2', 'same') },
  { weight: 2, arbitrary: fc.constantFrom('x'.repeat(100), 'y'.repeat(70), 'z'.repeat(48)) },
  { weight: 2, arbitrary: fc.string({ minLength: 40, maxLength: 120 }) },
);
const mtime = fc.integer({ min: 0, max: 3 }).map((k) => MTIME_BASE + k * MTIME_STEP);
const folder = fc.nat({ max: 3 });
const callNumber = fc.integer({ min: 1, max: 14 });

function localPath(names: NameSet): fc.Arbitrary<string[]> {
  const segment =
    names === 'plain'
      ? fc.constantFrom(...PLAIN_SEGMENTS)
      : fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...PLAIN_SEGMENTS) }, fc.constantFrom(...LOCAL_SEGMENTS));
  return fc.array(segment, { minLength: 1, maxLength: 2 });
}

function remoteSuffix(names: NameSet): fc.Arbitrary<string> {
  if (names === 'plain') return localPath(names).map((segments) => segments.join('/'));
  const segment = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...PLAIN_SEGMENTS) },
    fc.constantFrom(...LOCAL_SEGMENTS, ...REMOTE_ONLY_SEGMENTS),
  );
  return fc
    .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom(false, false, false, true))
    .map(([segments, marker]) => segments.join('/') + (marker ? '/' : ''))
    .filter((suffix) => suffix.split('/').filter((s) => s === '..').length <= MAX_DOT_DOT);
}

function fault(classes: ScenarioClasses, direction: 'pull' | 'push'): fc.Arbitrary<SyncFault> {
  const faults: Array<fc.WeightedArbitrary<SyncFault>> = [
    { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), at: callNumber }) },
  ];
  if (direction === 'pull' ? classes.crashesInPull : classes.crashesInPush) {
    faults.push({
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('crash' as const),
        at: callNumber,
        mode: fc.constantFrom('before' as const, 'after' as const, 'mid-body' as const),
      }),
    });
  }
  if (classes.editsDuringSync) {
    faults.push({
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('edit' as const), at: callNumber, content, mtime }),
    });
  }
  return fc.oneof(...faults);
}

function localWrite(classes: ScenarioClasses) {
  return fc.record({ t: fc.constant('local-write' as const), folder, path: localPath(classes.names), content, mtime });
}

function remoteWrite(classes: ScenarioClasses) {
  const writers: RemoteWriter[] = classes.foreignObjects
    ? ['traindeck', 'traindeck', 'awscli', 'no-sse-c']
    : ['traindeck'];
  return fc.record({
    t: fc.constant('remote-write' as const),
    folder,
    suffix: remoteSuffix(classes.names),
    content,
    mtime,
    by: fc.constantFrom(...writers),
  });
}

/** Any one step of the classes switched on, weighted towards what changes data and syncs it. */
function modelStep(classes: ScenarioClasses): fc.Arbitrary<ModelStep> {
  const steps: Array<fc.WeightedArbitrary<ModelStep>> = [
    { weight: 5, arbitrary: localWrite(classes) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('local-delete' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('clean-and-push' as const), pick: fc.nat() }) },
    { weight: 4, arbitrary: remoteWrite(classes) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('remote-delete' as const), pick: fc.nat() }) },
    ...(['pull', 'push'] as const).map((direction) => ({
      weight: 5,
      arbitrary: fc.record({
        t: fc.constant('sync' as const),
        direction: fc.constant(direction),
        fault: fault(classes, direction),
        concurrency: fc.constantFrom(1, 3),
        dryRun: fc.constantFrom(false, false, false, true),
      }),
    })),
    { weight: 3, arbitrary: fc.constant({ t: 'round-trip' as const }) },
  ];
  if (classes.keyChanges) {
    steps.push({ weight: 2, arbitrary: fc.record({ t: fc.constant('key-change' as const), key: fc.nat({ max: 1 }) }) });
  }
  if (classes.mappingChanges) {
    steps.push({
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('mapping-change' as const),
        folder,
        side: fc.constantFrom('local' as const, 'remote' as const),
        variant: fc.nat({ max: 2 }),
      }),
    });
  }
  return fc.oneof(...steps);
}

/** A scenario: a starting tree on both sides, then up to `maxSteps` steps. */
export function modelScenario(maxSteps: number, classes: ScenarioClasses = ALL_CLASSES): fc.Arbitrary<ModelStep[]> {
  return fc
    .tuple(
      fc.array(fc.oneof(localWrite(classes), remoteWrite(classes)), { maxLength: 6 }),
      fc.array(modelStep(classes), { minLength: 1, maxLength: maxSteps }),
    )
    .map(([tree, steps]) => [...tree, ...steps]);
}
