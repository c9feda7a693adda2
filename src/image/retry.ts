/** Retries of registry requests: exponential backoff on the injected clock, only for retryable errors. */
import type { ModuleContext } from '../model/module.ts';
import { isRetryable, RegistryError } from './registry-errors.ts';

export interface RetryPolicy {
  /** Tries after the first. */
  retries: number;
  /** First delay in ms, doubled per try, capped at 30 s. */
  delayMs: number;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, or `retries` more tries failed;
 * the last error then says how many tries were made.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  context: ModuleContext,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= policy.retries) {
        const message = (error as Error).message;
        throw new RegistryError(policy.retries > 0 ? `${message} (after ${attempt + 1} tries)` : message, {
          cause: error,
        });
      }
      const delay = Math.min(policy.delayMs * 2 ** attempt, 30_000);
      context.log.info(`image_copy: ${(error as Error).message}; retrying in ${delay} ms`);
      await context.services.clock.sleep(delay, context.signal);
    }
  }
}
