/**
 * Registry failures classified by what should happen next: `retryable` (refused connections,
 * resets, timeouts, 429, 5xx) is tried again with backoff; the rest (401, 403, bad references)
 * fails at once. Messages name the registry and the reason, never a credential.
 */
import { McsyncError } from '../../errors.ts';

export class RegistryError extends McsyncError {
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'RegistryError';
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  EPIPE: 'connection closed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted (set registry_ca_file)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted (set registry_ca_file)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted (set registry_ca_file)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
};

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

/** A transport failure (no HTTP answer) as a RegistryError naming the registry and the reason. */
export function transportError(label: string, error: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new RegistryError(
    `${label}: cannot connect: ${reason}${code && !REASONS[code] ? ` (${code})` : ''}`,
    {
      retryable: RETRYABLE.has(code),
      cause: error,
    },
  );
}

/** True when `error` is worth another try. */
export function isRetryable(error: unknown): boolean {
  return error instanceof RegistryError && error.retryable;
}
