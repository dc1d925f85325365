import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// A TCP relay in its own process, so that a test can stop it (SIGSTOP) or kill it like a gateway.
const RELAY = `
const net = require('node:net');
const [target, port] = process.argv.slice(1).map(Number);
const server = net.createServer((client) => {
  const upstream = net.connect({ host: '127.0.0.1', port: target });
  const drop = () => { client.destroy(); upstream.destroy(); };
  client.on('error', drop).on('close', drop);
  upstream.on('error', drop).on('close', drop);
  client.pipe(upstream);
  upstream.pipe(client);
});
server.listen(port, '127.0.0.1', () => console.log(server.address().port));
`;

/** A relay process to 127.0.0.1:`targetPort` standing in for the S3 gateway. */
export interface RelayProcess {
  endpoint: string;
  /** Freezes it (SIGSTOP): connections hang, as with a stopped gateway. */
  stop(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Kills it (connections refused from now on) and returns a function that starts it again on the same port. */
  kill(): Promise<() => Promise<void>>;
  /** Ends it for good (by its PID). */
  close(): Promise<void>;
}

function launch(targetPort: number, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', RELAY, String(targetPort), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the relay process did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`the relay process exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, port: Number(line) });
    });
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Starts a relay process in front of `target` (an http://127.0.0.1:PORT endpoint). */
export async function startRelayProcess(target: string): Promise<RelayProcess> {
  const targetPort = Number(new URL(target).port);
  const first = await launch(targetPort, 0);
  const port = first.port;
  let child = first.child;
  const signal = (name: NodeJS.Signals) => process.kill(child.pid!, name);
  const end = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal('SIGCONT');
    signal('SIGKILL');
    await exited(child);
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async kill() {
      await end();
      return async () => {
        ({ child } = await launch(targetPort, port));
      };
    },
    close: end,
  };
}
