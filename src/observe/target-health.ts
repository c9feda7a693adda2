/**
 * Each playbook target's health, kept from the runs' per-target results: the gauges
 * (consecutive failures, last success), and one line when a target goes bad (its first failed
 * run) and one when it recovers (its next successful run, of any key), so an operator sees a
 * down slave without reading every run's line.
 */
import { goDurationString } from '../shared/duration.ts';
import type { Gauge } from './metrics.ts';
import type { TriggerOutcome } from './trigger.ts';

export interface TargetHealthMetrics {
  targetConsecutiveFailures: Gauge;
  targetLastSuccess: Gauge;
}

export class TargetHealth {
  readonly #metrics: TargetHealthMetrics;
  readonly #err: NodeJS.WritableStream;
  readonly #retryCapMs: number;
  /** Per target: runs in a row that failed or found it unreachable (absent: healthy). */
  readonly #failures = new Map<string, number>();
  /** Every target a run has reported on. */
  readonly #known = new Set<string>();

  /** `retryCapMs`: how long an unreachable target waits at most for its next recovery (said in its warning). */
  constructor(metrics: TargetHealthMetrics, err: NodeJS.WritableStream, retryCapMs: number) {
    this.#metrics = metrics;
    this.#err = err;
    this.#retryCapMs = retryCapMs;
  }

  record(outcome: TriggerOutcome): void {
    const m = this.#metrics;
    for (const [target, result] of Object.entries(outcome.targets ?? {})) {
      this.#known.add(target);
      const before = this.#failures.get(target) ?? 0;
      if (result === 'ok') {
        if (before > 0) this.#err.write(`target ${target} recovered after ${before} failed runs\n`);
        this.#failures.delete(target);
        m.targetConsecutiveFailures.set({ target }, 0);
        m.targetLastSuccess.set({ target }, Date.now() / 1000);
        continue;
      }
      if (before === 0 && result === 'unreachable') {
        const retry = goDurationString(this.#retryCapMs);
        this.#err.write(
          `warning: target ${target} is unreachable; runs skip it until it is reached again, retried on its own with backoff up to ${retry}; other targets keep syncing\n`,
        );
      } else if (before === 0) this.#err.write(`warning: target ${target} failed a run\n`);
      this.#failures.set(target, before + 1);
      m.targetConsecutiveFailures.set({ target }, before + 1);
    }
  }

  /** Every target a run has reported on, for the per-target gauges. */
  known(): Iterable<string> {
    return this.#known;
  }
}
