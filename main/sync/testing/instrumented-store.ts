import { PassThrough, type Readable } from 'node:stream';

import { type Body, type ObjectStore, type RangeAnswer, StoreError } from '../../aws/ports/object-store';

/** One call the engine made on the store (numbered from 1 per instrumented store). */
export interface StoreCall {
  n: number;
  method: string;
  /** The object key, when the call names one (`deleteMany`: see `keys`). */
  key?: string;
  keys?: string[];
  /** Bytes the call sends (put, part) or receives (get). */
  bytes: number;
  /** Declared SHA-256 of what a put or part sends. */
  sha256?: string;
  write: boolean;
  /** Whether S3 answered it (false while pending, failed or crashed). */
  ok: boolean;
}

/**
 * What goes wrong, and when: `fail` makes call `at` fail (a 400, or a 503 the retry absorbs);
 * `crash` is a kill -9 at call `at` — `before` the request reaches S3, `after` S3 applied it
 * but before the answer arrives, or `mid-body` half-way through a GET's body.
 */
export type StoreFault =
  | { kind: 'none' }
  | { kind: 'fail'; at: number; transient?: boolean }
  | { kind: 'crash'; at: number; mode: 'before' | 'after' | 'mid-body' };

/** A store that records every call and can fail or crash at an exact call. */
export interface InstrumentedStore {
  store: ObjectStore;
  calls: StoreCall[];
  /** Settles when the crash point is reached (never, without a crash fault). */
  crashed: Promise<void>;
  isCrashed(): boolean;
}

/** Names of port methods that change the bucket (present and future ones: markers, copies, aborts). */
const WRITE_METHOD = /^(put|create|upload|complete|abort|delete|copy|write|set|remove)/i;

/**
 * Wraps any ObjectStore (in-memory or real S3). A crash cannot be an exception: the engine
 * catches per-file errors, carries on, and saves its state, which a killed process never does.
 * So from the crash point on, every call hangs forever: the sync stops where it is, its state
 * is never saved, and whatever it left (temp files, incomplete multipart uploads, the lock)
 * stays, as after kill -9. The caller races the sync against `crashed`.
 * `beforeCall` runs before each call reaches the store (a check of what is about to happen);
 * `afterCall` after S3 answered, before the engine sees the answer (a concurrent writer).
 */
export function instrumentStore(
  inner: ObjectStore,
  fault: StoreFault,
  beforeCall?: (call: StoreCall) => Promise<void> | void,
  afterCall?: (call: StoreCall) => Promise<void> | void,
): InstrumentedStore {
  const calls: StoreCall[] = [];
  let crashedFlag = false;
  let onCrash!: () => void;
  const crashed = new Promise<void>((resolve) => (onCrash = resolve));
  const hang = <T>(): Promise<T> => new Promise<T>(() => undefined);
  const crash = () => {
    crashedFlag = true;
    onCrash();
  };

  const wrap =
    (method: string, original: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]): Promise<unknown> => {
      if (crashedFlag) return hang();
      // A small object read whole (getWhole) and a range read into memory (getRange) are GETs:
      // recorded, counted and crashed as one.
      const call = describeCall(
        calls.length + 1,
        method === 'getWhole' || method === 'getRange' ? 'get' : method,
        args,
      );
      calls.push(call);
      await beforeCall?.(call);
      if (crashedFlag) return hang();
      if (fault.kind === 'fail' && call.n === fault.at) {
        throw new StoreError(
          fault.transient ? 'transient' : 'other',
          `InternalError: injected failure at call ${call.n}`,
          {
            status: fault.transient ? 503 : 400,
            code: fault.transient ? 'SlowDown' : 'InvalidRequest',
            ...(call.key ? { key: call.key } : {}),
          },
        );
      }
      if (fault.kind === 'crash' && call.n === fault.at && fault.mode === 'before') {
        crash();
        return hang();
      }
      const result = await original(...args);
      if (crashedFlag) return hang();
      call.ok = true;
      await afterCall?.(call);
      if (call.method === 'get') call.bytes = (result as { head: { size: number } } | undefined)?.head.size ?? 0;
      if (fault.kind === 'crash' && call.n === fault.at) {
        // A whole read has no body left to cut: its crash mid-body is a crash before the answer is used.
        if (fault.mode === 'mid-body' && method === 'get') {
          const got = result as { body: Readable; head: unknown };
          return { ...got, body: halfThenHang(got.body, crash) };
        }
        if (fault.mode === 'mid-body' && method === 'getRange' && result) {
          return halfThenHangInto(result as RangeAnswer, crash);
        }
        crash();
        return hang();
      }
      return result;
    };

  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return wrap(property, (value as (...a: unknown[]) => Promise<unknown>).bind(target));
    },
  });
  return { store, calls, crashed, isCrashed: () => crashedFlag };
}

function describeCall(n: number, method: string, args: unknown[]): StoreCall {
  const write = WRITE_METHOD.test(method);
  const call: StoreCall = { n, method, bytes: 0, write, ok: false };
  if (method === 'put') {
    const request = args[0] as { key: string; body: Body; bodySha256: string };
    return { ...call, key: request.key, bytes: bodyLength(request.body), sha256: request.bodySha256 };
  }
  if (method === 'uploadPart') {
    return { ...call, key: args[0] as string, bytes: bodyLength(args[3] as Body), sha256: args[4] as string };
  }
  if (method === 'deleteMany') return { ...call, keys: [...(args[0] as string[])] };
  if (typeof args[0] === 'string') return { ...call, key: args[0] };
  return call;
}

function bodyLength(body: Body): number {
  return 'buffer' in body ? body.buffer.length : body.length;
}

/** {@link halfThenHang} for a range read into the caller's memory (getRange). */
function halfThenHangInto(answer: RangeAnswer, crash: () => void): RangeAnswer {
  return {
    ...answer,
    readInto: async (sink) => {
      const bytes = Buffer.alloc(answer.head.size);
      let read = 0;
      await answer.readInto({ room: () => bytes.subarray(read), filled: (n) => void (read += n) });
      for (let given = 0, half = Math.floor(read / 2); given < half;) {
        const room = await sink.room();
        const n = bytes.copy(room, 0, given, half);
        given += n;
        await sink.filled(n);
      }
      crash();
      return new Promise<void>(() => undefined);
    },
  };
}

/** Passes the first half of a body on, then crashes: the reader waits forever, as a killed process would. */
function halfThenHang(body: Readable, crash: () => void): Readable {
  const out = new PassThrough();
  void (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    out.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    crash();
  })();
  return out;
}
