import type { Client, SFTPWrapper } from 'ssh2';

import { whenAborted } from '../core/abort';
import { ConnectionLost, type ExecResult, type HostConnector, type RemoteHost } from '../host/remote-host';
import type { HostKeyPin } from './host-key';
import { type ConnectPolicy, connectWithBackoff, DEFAULT_CONNECT_POLICY, type SshTarget } from './ssh-connect';

const EXEC_LIMIT_MS = 10 * 60_000;

/** A {@link HostConnector} over ssh2: every connect pins the same host key. */
export function createSshConnector(
  target: SshTarget,
  pin: HostKeyPin,
  policy: ConnectPolicy = DEFAULT_CONNECT_POLICY,
): HostConnector {
  return {
    label: `${target.username}@${target.host}:${target.port}`,
    async connect(signal) {
      return sshRemoteHost(await connectWithBackoff(target, pin, policy, signal));
    },
  };
}

/**
 * Wraps a connected client. When the connection drops, every call in flight and every later
 * call fails with {@link ConnectionLost}, which tells the pipeline to reconnect.
 */
export function sshRemoteHost(client: Client): RemoteHost {
  let lost: string | undefined;
  const lostError = () => new ConnectionLost(`SSH connection lost: ${lost}`);
  const pending = new Set<() => void>();
  const drop = (why: string) => {
    lost ??= why;
    for (const onLost of [...pending]) onLost();
  };
  client.on('close', () => drop('closed'));
  client.on('error', (error) => drop(error.message));
  let sftp: Promise<SFTPWrapper> | undefined;

  /**
   * Runs one operation and settles it exactly once: with its own result, or with ConnectionLost
   * the moment the link is (or goes) down. `cleanup` registers what to undo on any of those
   * paths (timers, abort listeners), so nothing outlives the call.
   */
  const guarded = <T>(
    work: (resolve: (value: T) => void, reject: (error: Error) => void, cleanup: (undo: () => void) => void) => void,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (lost) return reject(lostError());
      const undos: Array<() => void> = [];
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        pending.delete(onLost);
        for (const undo of undos) undo();
        fn();
      };
      const onLost = () => settle(() => reject(lostError()));
      pending.add(onLost);
      work(
        (value) => settle(() => resolve(value)),
        (error) => settle(() => reject(lost ? lostError() : error)),
        (undo) => (settled ? undo() : undos.push(undo)),
      );
    });
  const openSftp = () =>
    (sftp ??= guarded<SFTPWrapper>((resolve, reject) =>
      client.sftp((error, s) => {
        if (error) {
          sftp = undefined;
          return reject(error);
        }
        // A subsystem that ends (or fails) is opened afresh by the next call; its errors never crash.
        s.on('error', () => (sftp = undefined));
        s.on('close', () => (sftp = undefined));
        resolve(s);
      }),
    ));

  return {
    exec(command, options = {}) {
      return guarded<ExecResult>((resolve, reject, cleanup) => {
        if (options.signal?.aborted) return reject(options.signal.reason as Error);
        const limitMs = options.timeoutMs ?? EXEC_LIMIT_MS;
        client.exec(command, (error, channel) => {
          if (error) return reject(error);
          let stdout = '';
          let stderr = '';
          const timer = setTimeout(() => {
            channel.close();
            reject(new Error(`remote command timed out after ${limitMs / 1000} s`));
          }, limitMs);
          cleanup(() => clearTimeout(timer));
          cleanup(
            whenAborted(options.signal, (reason) => {
              channel.close();
              reject(reason as Error);
            }),
          );
          channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
          channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
          channel.on('exit', () => {});
          channel.on('error', (channelError: Error) => reject(channelError));
          channel.on('close', (code: number | null) => resolve({ code: code ?? null, stdout, stderr }));
          channel.end(options.stdin ?? '');
        });
      });
    },
    async writeFile(path, data, mode = 0o644) {
      const s = await openSftp();
      await guarded<void>((resolve, reject) =>
        s.writeFile(path, data, { mode }, (error) => (error ? reject(error) : resolve())),
      );
    },
    async read(path, offset, maxBytes) {
      const s = await openSftp();
      return guarded<Buffer | undefined>((resolve, reject) => {
        s.open(path, 'r', (error, handle) => {
          if (error) return (error as { code?: number }).code === 2 ? resolve(undefined) : reject(error);
          const buffer = Buffer.alloc(maxBytes);
          s.read(handle, buffer, 0, maxBytes, offset, (readError, bytesRead) => {
            s.close(handle, () => {});
            // ssh2 reports end of file as an error with code 1 (SSH_FX_EOF).
            if (readError) {
              return (readError as { code?: number }).code === 1 ? resolve(Buffer.alloc(0)) : reject(readError);
            }
            resolve(buffer.subarray(0, bytesRead));
          });
        });
      });
    },
    async close() {
      client.end();
    },
  };
}

export { DEFAULT_CONNECT_POLICY };
