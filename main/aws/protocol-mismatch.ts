import { isCertificateError } from './certificate-errors';

/**
 * A server that will not speak HTTP/1.1 with the lean client (`http1-client.ts`): it shares no
 * application protocol with us in the TLS handshake (ALPN, RFC 7301: an HTTP/2-only endpoint or
 * proxy sends the fatal no_application_protocol alert), picks one we did not offer, or answers in
 * HTTP/2 frames. Asking again meets the same server: not a network failure, never retried.
 */
export const PROTOCOL_MISMATCH = 'PROTOCOL_MISMATCH';

/** The error for such a server: what it did, in a clause ("it answered in HTTP/2 frames"). */
export function protocolMismatch(what: string, cause?: unknown): Error {
  return Object.assign(
    new Error(`the endpoint will not speak HTTP/1.1 (${what})`, cause === undefined ? {} : { cause }),
    { name: 'ProtocolMismatch', code: PROTOCOL_MISMATCH },
  );
}

/** True when `error` is a {@link protocolMismatch}. */
export function isProtocolMismatch(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === PROTOCOL_MISMATCH;
}

/**
 * True for the TLS alert no_application_protocol (120) as Node reports it: OpenSSL's reason in the
 * code (ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL) or, when the alert ends the client's own write,
 * EPROTO with that reason in the message.
 */
export function isNoApplicationProtocolAlert(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') return true;
  return typeof message === 'string' && /alert no application protocol/i.test(message);
}

/**
 * True when `bytes` (at least 9) open with an HTTP/2 frame header on stream 0 of a type a server
 * sends first (SETTINGS, GOAWAY): never the start of an HTTP/1.x answer, whose fourth byte is 'P'.
 */
export function looksLikeHttp2(bytes: Buffer): boolean {
  if (bytes.length < 9) return false;
  const type = bytes[3];
  const stream = bytes.readUInt32BE(5) & 0x7fffffff;
  return (type === 0x04 || type === 0x07) && stream === 0 && bytes.readUIntBE(0, 3) <= 16_384;
}

/**
 * What the lean clients (`http1-client.ts`, `http1-direct-client.ts`) report for a connection's
 * failure that asking again cannot fix, or undefined for a network failure (retried): a refused
 * certificate (chain, dates, name: Node's own error, as the SDK's path gets it), or a server that will
 * not speak HTTP/1.1 (the TLS alert no_application_protocol becomes a {@link protocolMismatch}).
 */
export function permanentFailure(failure: Error | undefined): Error | undefined {
  if (!failure) return undefined;
  if (isCertificateError(failure) || isProtocolMismatch(failure)) return failure;
  if (isNoApplicationProtocolAlert(failure)) {
    return protocolMismatch('it sent the TLS alert no_application_protocol: no HTTP/1.1 in its ALPN list', failure);
  }
  return undefined;
}
