/**
 * Programs for a `HashThread` that misbehave, to test what a download does when its hash thread
 * dies or computes the wrong hash. Each answers every message once, in order, as the real one does.
 */

/** Hashes like the real thread but exits (code 7) on message number `messages + 1`: a crash mid-download. */
export const exitsAfter = (messages: number) => `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
let seen = 0;
parentPort.on('message', (m) => {
  if ((seen += 1) > ${messages}) process.exit(7);
  let hash = hashes.get(m.job);
  if (!hash) hashes.set(m.job, (hash = createHash('sha256')));
  if (m.op === 'update') hash.update(new Uint8Array(m.memory, m.offset, m.length));
  parentPort.postMessage(m.op === 'digest' ? hash.digest('hex') : null);
});
`;

/** Hashes zeros instead of the bytes of its second update: a thread that read the wrong memory. */
export const hashesWrongBytes = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
let updates = 0;
parentPort.on('message', (m) => {
  let hash = hashes.get(m.job);
  if (!hash) hashes.set(m.job, (hash = createHash('sha256')));
  if (m.op === 'update') {
    updates += 1;
    hash.update(updates === 2 ? new Uint8Array(m.length) : new Uint8Array(m.memory, m.offset, m.length));
  }
  parentPort.postMessage(m.op === 'digest' ? hash.digest('hex') : null);
});
`;

/** Hashes like the real thread for `messages` messages, then reads no more and answers nothing: a thread that stalls. */
export const answersFirst = (messages: number) => `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
let seen = 0;
parentPort.on('message', (m) => {
  if ((seen += 1) > ${messages}) return;
  let hash = hashes.get(m.job);
  if (!hash) hashes.set(m.job, (hash = createHash('sha256')));
  if (m.op === 'update') hash.update(new Uint8Array(m.memory, m.offset, m.length));
  parentPort.postMessage(m.op === 'digest' ? hash.digest('hex') : null);
});
`;
