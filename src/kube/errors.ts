/**
 * Errors of the kube layer, classified by what should happen next. Transport failures become
 * UnreachableError (src/errors.ts) so the engine counts the host unreachable; everything the API
 * server answers with becomes a KubeApiError carrying the status and the Status reason.
 */
import { McsyncError } from '../errors.ts';
import type { McsyncErrorOptions } from '../errors.ts';
import { isRecord } from './types.ts';

export interface KubeApiErrorDetails {
  /** HTTP status (401, 403, 404, 409, 422, 429, 5xx...). */
  status: number;
  /** The Status object's `reason` (Forbidden, NotFound, AlreadyExists, Conflict, Invalid...). */
  reason: string | undefined;
  method: string;
  path: string;
}

/** The API server refused or failed a request. Never holds the response object or a token. */
export class KubeApiError extends McsyncError {
  readonly status: number;
  readonly reason: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(message: string, details: KubeApiErrorDetails, options: McsyncErrorOptions = {}) {
    super(message, options);
    this.status = details.status;
    this.reason = details.reason;
    this.method = details.method;
    this.path = details.path;
  }

  /** 429 and 5xx are worth another attempt (the client also retries 409 on non-apply writes). */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** True when `error` is a KubeApiError with the given HTTP status. */
export function isApiStatus(error: unknown, status: number): error is KubeApiError {
  return error instanceof KubeApiError && error.status === status;
}

/** The fields of a Kubernetes `Status` body that messages use; empty when the body is not one. */
export interface StatusBody {
  message: string | undefined;
  reason: string | undefined;
  causes: string[];
}

/** Reads a `Status` response body (or anything JSON) without trusting its shape. */
export function readStatus(body: unknown): StatusBody {
  if (!isRecord(body)) return { message: undefined, reason: undefined, causes: [] };
  const details = isRecord(body['details']) ? body['details'] : {};
  const causes = Array.isArray(details['causes']) ? details['causes'] : [];
  return {
    message: typeof body['message'] === 'string' ? body['message'] : undefined,
    reason: typeof body['reason'] === 'string' ? body['reason'] : undefined,
    causes: causes
      .filter(isRecord)
      .map((c) => [c['field'], c['message']].filter((x) => typeof x === 'string').join(': ')),
  };
}
