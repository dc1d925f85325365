import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One racer process (`raceOnCommand`): `send` a command, `next` its next answer (at most 10 s away). */
export interface Racer {
  child: ChildProcessWithoutNullStreams;
  send: (command: 'go' | 'release' | 'exit') => void;
  next: () => Promise<string>;
}

/** Starts `count` Node processes running `script` with `args`, each answering `ready` before this resolves. */
export async function startRacers(script: string, args: readonly string[], count: number): Promise<Racer[]> {
  const racers = Array.from({ length: count }, (): Racer => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const waiting: Array<(line: string) => void> = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    });
    const next = () =>
      new Promise<string>((done, fail) => {
        const line = lines.shift();
        if (line !== undefined) return done(line);
        const timer = setTimeout(() => fail(new Error(`racer did not answer in 10 s; its stderr: ${stderr}`)), 10_000);
        waiting.push((l) => {
          clearTimeout(timer);
          done(l);
        });
      });
    return { child, next, send: (command) => child.stdin.write(`${command}\n`) };
  });
  for (const racer of racers) {
    const first = await racer.next();
    if (first !== 'ready') throw new Error(`a racer answered ${first} instead of ready`);
  }
  return racers;
}

/** One trial: every racer claims at once; their answers (`won`, `lost <message>`), in racer order. */
export async function raceOnce(racers: readonly Racer[]): Promise<string[]> {
  for (const racer of racers) racer.send('go');
  return Promise.all(racers.map((r) => r.next()));
}

/** Releases the racers that won a trial, each answering `released`. */
export async function releaseWinners(racers: readonly Racer[], answers: readonly string[]): Promise<void> {
  for (const [i, answer] of answers.entries()) {
    if (answer !== 'won') continue;
    racers[i]!.send('release');
    const released = await racers[i]!.next();
    if (released !== 'released') throw new Error(`a winner answered ${released} instead of released`);
  }
}
