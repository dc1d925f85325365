import { connect } from 'node:net';

/** Tells whether sshd answers: its banner, or undefined. */
export interface SshProbe {
  sshBanner(host: string, port: number, options?: { signal?: AbortSignal }): Promise<string | undefined>;
}

/** A TCP probe that reads the server's first line ("SSH-2.0-OpenSSH_…"), within 5 s. */
export const tcpSshProbe: SshProbe = {
  sshBanner(host, port, { signal } = {}) {
    return new Promise((resolve) => {
      const socket = connect({ host, port, timeout: 5_000 });
      let data = '';
      const done = (value: string | undefined) => {
        socket.destroy();
        signal?.removeEventListener('abort', abort);
        resolve(value);
      };
      const abort = () => done(undefined);
      signal?.addEventListener('abort', abort, { once: true });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        data += chunk;
        if (data.includes('\n')) done(data.startsWith('SSH-') ? data.split(/\r?\n/)[0] : undefined);
      });
      socket.on('timeout', () => done(undefined));
      socket.on('error', () => done(undefined));
      socket.on('close', () => done(undefined));
    });
  },
};
