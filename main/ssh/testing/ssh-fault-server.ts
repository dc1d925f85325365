import { connect, createServer, type Socket } from 'node:net';

/**
 * How the fault server misbehaves, one per way a real sshd (or the network in front of it)
 * fails a client:
 * - `no-banner`: accepts the TCP connection and never says anything (a wedged sshd, a tarpit);
 * - `close-before-banner`: accepts and closes at once (a firewall, sshd not started yet);
 * - `close-after-banner`: sends its banner, reads the client's, closes (sshd restarted by
 *   cloud-init, MaxStartups); ssh2 then emits only `end` and `close`;
 * - `stall-after-banner`: sends its banner and then nothing (a hung sshd);
 * - `reset-mid-handshake`: sends its banner, reads the client's key exchange, resets (RST);
 * - `relay`: relays to a real sshd, each chunk `delayMs` late (a slow link); {@link SshFaultServer.cutAll}
 *   then drops the sessions mid-way.
 */
export type SshFault =
  | 'no-banner'
  | 'close-before-banner'
  | 'close-after-banner'
  | 'stall-after-banner'
  | 'reset-mid-handshake'
  | { kind: 'relay'; upstreamPort: number; delayMs?: number };

/** A misbehaving SSH endpoint on 127.0.0.1 (a node `net` server; loopback only). */
export interface SshFaultServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Changes the fault for the next connections. */
  setFault(fault: SshFault): void;
  /** Destroys every open connection (both sides of a relay): a dropped link. */
  cutAll(): void;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

// What a Debian 12 sshd says first.
const BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n';

/**
 * Starts a fault server on a free port of 127.0.0.1, or on `listen` (e.g. port 22 of another
 * loopback address, where the HTTP fake's instances answer SSH).
 */
export function startSshFaultServer(
  initial: SshFault,
  listen: { host: string; port: number } = { host: '127.0.0.1', port: 0 },
): Promise<SshFaultServer> {
  let fault = initial;
  let connections = 0;
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    // A client that gives up resets or closes its side: that is expected here, never a crash.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => open.delete(socket));
    return socket;
  };
  const server = createServer((client) => {
    connections += 1;
    track(client);
    serve(client, fault, track);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      const address = server.address();
      resolve({
        host: listen.host,
        port: typeof address === 'object' && address ? address.port : 0,
        get connections() {
          return connections;
        },
        setFault: (next) => void (fault = next),
        cutAll() {
          for (const socket of open) socket.destroy();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function serve(client: Socket, fault: SshFault, track: (socket: Socket) => Socket): void {
  if (typeof fault === 'object') return relay(client, fault.upstreamPort, fault.delayMs ?? 0, track);
  switch (fault) {
    case 'no-banner':
      client.resume();
      return;
    case 'close-before-banner':
      client.end();
      return;
    case 'close-after-banner':
      client.write(BANNER);
      client.once('data', () => client.end());
      return;
    case 'stall-after-banner':
      client.write(BANNER);
      client.resume();
      return;
    case 'reset-mid-handshake': {
      client.write(BANNER);
      let received = '';
      // The client's ident line, then its KEXINIT: reset once the key exchange has begun.
      client.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        const ident = received.indexOf('\n');
        if (ident >= 0 && received.length > ident + 1) client.resetAndDestroy();
      });
      return;
    }
  }
}

function relay(client: Socket, upstreamPort: number, delayMs: number, track: (socket: Socket) => Socket): void {
  const upstream = track(connect({ host: '127.0.0.1', port: upstreamPort }));
  const drop = () => (client.destroy(), upstream.destroy());
  client.on('close', drop);
  upstream.on('close', drop);
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (delayMs === 0) return void to.write(chunk);
      setTimeout(() => !to.destroyed && to.write(chunk), delayMs);
    });
  forward(client, upstream);
  forward(upstream, client);
}
