import { constants } from 'node:crypto';
import { connect, type ConnectOpts, isIP, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, createSecureContext, type SecureContext } from 'node:tls';

import { protocolMismatch } from './protocol-mismatch';

/**
 * Where requests go: an S3 endpoint's host and port, and for HTTPS how its certificate is checked
 * (chain and name always; against `ca`, or Node's trusted roots plus NODE_EXTRA_CA_CERTS).
 */
export interface Http1Target {
  host: string;
  port: number;
  tls?: Http1Tls;
}

/** How an HTTPS server's certificate is checked. */
export interface Http1Tls {
  /** The name the certificate must carry (the endpoint URL's host); sent as SNI unless an IP address. */
  servername: string;
  /** PEM certificates trusted instead of Node's roots (AWS_CA_BUNDLE). */
  ca?: string[];
}

/**
 * Opens the connections of one lean HTTP/1.1 client (`http1-client.ts`, `http1-direct-client.ts`) to
 * its target: TCP, or TLS under the one set of rules both clients follow. Each client has its own
 * connector, so a TLS session is resumed only by the client (endpoint and name) it came from.
 */
export class Http1Connector {
  /** HTTPS: built once (parsing a CA bundle per connection would cost more than the handshake). */
  private readonly secureContext: SecureContext | undefined;
  /** The last TLS session the server offered: a new connection resumes it (no full handshake). */
  private session: Buffer | undefined;

  constructor(private readonly target: Http1Target) {
    const tls = target.tls;
    // No renegotiation (TLS 1.2; 1.3 has none): Node verifies the certificate of the first handshake
    // only, so one the server presents in a renegotiation would go unchecked. S3 never asks for one.
    const secureOptions = constants.SSL_OP_NO_RENEGOTIATION;
    this.secureContext = tls && createSecureContext({ secureOptions, ...(tls.ca ? { ca: tls.ca } : {}) });
  }

  /**
   * A new connection. With `onread`, its reads land in the caller's memory: on a TCP socket as the
   * kernel reads, on a TLS one as OpenSSL decrypts (Node copies each record's cleartext, at most
   * 16 KiB, into the buffer given; since Node 15.1, nodejs/node#35753). Data written before the TLS
   * handshake is held by Node until the certificate is verified: a refused one never sees a byte.
   */
  connect(onread?: OnReadOpts): Socket {
    const { host, port, tls } = this.target;
    const reads = onread ? { onread } : {};
    if (!tls) return connect({ host, port, ...reads }).setNoDelay(true);
    // `onread` is tls.connect's too (documented; @types/node 20 leaves it out of ConnectionOptions).
    const options: ConnectionOptions & ConnectOpts = {
      host,
      port,
      // SNI names a host, never an address (RFC 6066); the certificate is checked against either.
      ...(isIP(tls.servername) ? {} : { servername: tls.servername }),
      secureContext: this.secureContext!,
      // Always on, whatever NODE_TLS_REJECT_UNAUTHORIZED says: the chain and the name are verified.
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
      ...(this.session ? { session: this.session } : {}),
      ...reads,
    };
    const socket = tlsConnect(options);
    socket.on('session', (session: Buffer) => (this.session = session));
    // OpenSSL refuses a protocol we did not offer; this holds whatever a server or a library does.
    socket.once('secureConnect', () => {
      const chosen = socket.alpnProtocol;
      if (chosen && chosen !== 'http/1.1') {
        socket.destroy(protocolMismatch(`it chose ${chosen} in the TLS handshake, ALPN`));
      }
    });
    return socket.setNoDelay(true);
  }
}
