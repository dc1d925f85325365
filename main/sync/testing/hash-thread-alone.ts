/**
 * Run as its own process by hash-thread.test: hashes 64 MiB on a HashThread with nothing else on
 * the event loop, prints the digest, then ends the thread (`close`) or leaves it (`leave`). The
 * process must print the digest (an awaited answer keeps it alive) and then exit by itself.
 */
import { HashThread } from '../hash-thread';

const hashes = new HashThread();
const job = hashes.job();
const bytes = Buffer.from(new SharedArrayBuffer(64 << 20));
bytes.fill(7);
await job.update(bytes);
process.stdout.write(`${await job.digest()}\n`);
if (process.argv[2] === 'close') await hashes.close();
