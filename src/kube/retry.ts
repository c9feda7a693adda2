/**
 * Retry policy for API calls: which answers deserve another attempt and how long to wait.
 * Exponential backoff with "equal jitter" (half fixed, half random), capped; a server's Retry-After
 * wins when it is present.
 */

export interface RetryPolicy {
  /** Total attempts including the first (default 4). */
  attempts: number;
  /** First backoff step in ms (default 250). */
  baseMs: number;
  /** Longest wait between attempts in ms (default 5000; Retry-After may ask up to 30 s). */
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 250, capMs: 5000 };

/** Longest Retry-After honoured, so a misbehaving server cannot stall a run. */
const RETRY_AFTER_CAP_MS = 30_000;

/**
 * True when a response with `status` (and Status `reason`) should be retried. 409 is retried
 * only when `conflictsRetryable` (writes other than server-side apply) and it is an optimistic
 * concurrency Conflict, not AlreadyExists.
 */
export function shouldRetry(
  status: number,
  reason: string | undefined,
  conflictsRetryable: boolean,
): boolean {
  if (status === 429 || status === 500 || status === 502 || status === 503 || status === 504) return true;
  return status === 409 && conflictsRetryable && reason !== 'AlreadyExists';
}

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 0). */
export function backoffMs(
  attempt: number,
  retryAfter: string | string[] | undefined,
  policy: RetryPolicy = DEFAULT_RETRY,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return Math.min(asked, RETRY_AFTER_CAP_MS);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After as seconds (`"3"`) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
