/**
 * Network and TLS failures in words that say what happened and what to change. One vocabulary for
 * every HTTP caller (the kube transport, registries, backups, uri, webhooks); each caller passes
 * the setting its user would change to trust a private CA (`ca_file`, `registry_ca_file`,
 * `backup_location.ca_file`, `ca_path`), so the advice names a key the user can find.
 */

/** A request that saw no data for `timeoutMs`; `code` is ETIMEDOUT so callers retry it as one. */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no answer within ${formatMs(timeoutMs)}`);
    this.name = 'RequestTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** Certificate codes meaning "no trusted CA signed this": a CA setting fixes them. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** Fixed reasons per socket error code. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host name not found (DNS: ENOTFOUND)',
  EAI_AGAIN: 'host name not found (DNS: EAI_AGAIN)',
  EHOSTUNREACH: 'no route to host (EHOSTUNREACH)',
  ENETUNREACH: 'no route to host (ENETUNREACH)',
  ETIMEDOUT: 'connection timed out (timeout)',
};

/** The error's code (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, ...) or ''. */
export function networkErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/** True for a failure of TLS itself (certificate, handshake), not of the connection under it. */
export function isTlsError(error: unknown): boolean {
  const code = networkErrorCode(error);
  const message = error instanceof Error ? error.message : '';
  return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO/i.test(code) || /certificate/i.test(message);
}

/**
 * A short reason for a transport failure (no HTTP answer), e.g. `connection refused` or
 * `the server's TLS certificate is not trusted (self-signed certificate); set ca_file to the PEM
 * of the CA that signed it`. `caSetting` is the setting that trusts a CA for this caller. Errors
 * it does not know keep their own message (and code).
 */
export function describeNetworkError(error: unknown, caSetting: string): string {
  const code = networkErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RequestTimeoutError) return `${message} (timeout)`;
  // Node adds a hint about --use-system-ca that does not apply to a private CA.
  if (UNTRUSTED.has(code))
    return `the server's TLS certificate is not trusted (${message.split(';')[0]}); set ${caSetting} to the PEM of the CA that signed it`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the server's TLS certificate is not for this host (${message})`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return `the server's TLS certificate is not valid now (${message})`;
  const reason = REASONS[code];
  if (reason) return reason;
  if (isTlsError(error)) return `TLS failed (${code ? `${code}: ` : ''}${message})`;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
