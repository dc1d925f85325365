import { Worker } from 'node:worker_threads';

import type { Sha256Sink } from './ordered-hash';

/**
 * The thread's program, as source text: the CLI, the app and the executor are each bundled to one
 * file, so a worker file beside the bundle would be one more thing to ship and find. Every message
 * gets exactly one answer, in the order received, so the caller matches answers to a FIFO.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  let hash = hashes.get(m.job);
  if (m.op === 'update') {
    if (!hash) hashes.set(m.job, (hash = createHash('sha256')));
    hash.update(new Uint8Array(m.memory, m.offset, m.length));
    parentPort.postMessage(null);
  } else {
    hashes.delete(m.job);
    parentPort.postMessage(m.op === 'digest' ? (hash ?? createHash('sha256')).digest('hex') : null);
  }
});
`;

interface Waiting {
  resolve: (answer: string | null) => void;
  reject: (error: Error) => void;
}

/**
 * SHA-256 on a second thread for one sync: on two cores the main thread decrypts TLS, parses,
 * writes and runs the engine, so the hash (~0.6 s of CPU per GiB here) is work the other core can
 * take. Bytes in a SharedArrayBuffer (the download slabs) are hashed where they lie, never copied;
 * others are copied once into a transferred buffer. A job's bytes are hashed in the order given;
 * each update's promise settles once the thread is done reading them (then they may be reused).
 *
 * The thread keeps the process alive only while an answer is awaited (an awaited hash with nothing
 * else pending must not let Node exit with the promise unsettled), and is ended by {@link close}. If it dies
 * (an exit, an error, out of memory) every pending and later call fails with a sentence, so the
 * download fails (no file lands) instead of waiting for ever.
 */
export class HashThread {
  private worker: Worker | undefined;
  private waiting: Waiting[] = [];
  private failure: Error | undefined;
  private jobs = 0;

  /** `source` replaces the thread's program (tests: a thread that crashes or lies). */
  constructor(private readonly source: string = WORKER_SOURCE) {}

  /** A new in-order SHA-256 computed on the thread (started on first use). */
  job(): Sha256Sink {
    const job = (this.jobs += 1);
    let finished = false;
    return {
      update: (bytes) => {
        const { buffer, byteOffset, length } = bytes;
        // Shared memory is read where it lies; other bytes are copied into a buffer handed over.
        const update =
          buffer instanceof SharedArrayBuffer
            ? this.ask({ op: 'update', job, memory: buffer, offset: byteOffset, length })
            : this.handOver(job, new Uint8Array(bytes).buffer);
        return update.then(() => undefined);
      },
      digest: async () => {
        finished = true;
        return (await this.ask({ op: 'digest', job })) as string;
      },
      drop: () => {
        if (finished || this.failure || !this.worker) return;
        finished = true;
        this.ask({ op: 'drop', job }).catch(() => undefined); // nothing waits on a dropped hash
      },
    };
  }

  /** Ends the thread; a call still pending then fails, once the thread has stopped. */
  async close(): Promise<void> {
    const worker = this.worker;
    const ended = new Error('the SHA-256 thread was ended before the hash was complete (the sync ended)');
    this.failure ??= ended; // later calls fail at once
    this.worker = undefined;
    // A pending update's bytes go back to the budget when it fails: only once the thread no longer reads them.
    if (worker) await worker.terminate();
    this.fail(ended);
  }

  private handOver(job: number, memory: ArrayBuffer): Promise<string | null> {
    return this.ask({ op: 'update', job, memory, offset: 0, length: memory.byteLength }, [memory]);
  }

  private ask(message: object, transfer: ArrayBuffer[] = []): Promise<string | null> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = (this.worker ??= this.start());
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) worker.ref();
      this.waiting.push({ resolve, reject });
      worker.postMessage(message, transfer);
    });
  }

  private start(): Worker {
    const worker = new Worker(this.source, { eval: true });
    worker.unref();
    worker.on('message', (answer: string | null) => {
      this.waiting.shift()?.resolve(answer);
      if (this.waiting.length === 0) worker.unref();
    });
    worker.on('error', (error) => this.fail(stopped(error.message)));
    worker.on('exit', (code) => this.fail(stopped(`it exited with code ${code}`)));
    return worker;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.worker = undefined;
    for (const waiting of this.waiting.splice(0)) waiting.reject(this.failure);
  }
}

function stopped(why: string): Error {
  return new Error(
    `the SHA-256 thread stopped (${why}), so the download could not be checked; nothing was written in its place. Run the sync again; if it stops again, check the memory free on this machine`,
  );
}
