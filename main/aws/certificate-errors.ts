/**
 * OpenSSL's verification failures as Node reports them (`error.code`) when a server's certificate
 * is refused: an unknown or self-signed issuer, dates, a name that does not match. Asking again
 * never helps (not a network failure); the fix is the trust store, the endpoint's name or the clock.
 */
const CERTIFICATE_CODES =
  /^(ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_[A-Z_]+|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE|ERROR_IN_CERT_NOT_(BEFORE|AFTER)_FIELD)$/;

/** True when `error` is a server certificate refused by TLS verification (chain, validity dates, host name). */
export function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CERTIFICATE_CODES.test(code);
}
