/**
 * Registry failures classified by what should happen next: `retryable` (refused connections,
 * resets, timeouts, 429, 5xx) is tried again with backoff; the rest (401, 403, bad references)
 * fails at once. Messages name the registry and the reason, never a credential.
 */
import { McsyncError } from '../errors.ts';
import { describeNetworkError, networkErrorCode } from '../http/errors.ts';

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

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

/** A transport failure (no HTTP answer) as a RegistryError naming the registry and the reason. */
export function transportError(label: string, error: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  return new RegistryError(`${label}: cannot connect: ${describeNetworkError(error, 'registry_ca_file')}`, {
    retryable: RETRYABLE.has(networkErrorCode(error)),
    cause: error,
  });
}

/** True when `error` is worth another try. */
export function isRetryable(error: unknown): boolean {
  return error instanceof RegistryError && error.retryable;
}
