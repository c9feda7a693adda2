/**
 * Per-target isolation (issue 15). A playbook target that a run finds unreachable is down: from
 * then on runs skip it, so the other targets never wait on its timeouts and get every change at
 * full speed, and what it missed is owed to it. It is retried on its own: a recovery (one pass
 * per observed cluster, for that target only) after a backoff of 1 s doubling up to the cap (30 s,
 * or the resync period if shorter). The first recovery that succeeds on it brings it up again; the
 * owed changes then run once more for it alone, because a pass cannot see what a change did
 * (a deletion, an object that left the selection) and only prunes with `--prune`.
 *
 * This module keeps the state and the timers; the observe loop runs the passes and the changes.
 */
import { systemClock } from '../shared/clock.ts';
import type { Clock, Timer } from '../shared/clock.ts';
import type { TriggerItem } from './trigger.ts';

const FIRST_RECOVERY_MS = 1000;

interface DownTarget {
  attempts: number;
  timer: Timer | undefined;
  /** Recovery passes queued and not yet settled. */
  outstanding: number;
  /** The latest change of each key that skipped it, or reached it unreachable. */
  owed: Map<string, TriggerItem>;
}

export class TargetRecovery {
  readonly #down = new Map<string, DownTarget>();
  readonly #capMs: number;
  readonly #clock: Pick<Clock, 'after'>;
  readonly #due: (target: string) => number;
  #stopped = false;

  /**
   * `due(target)` queues the target's recovery passes and returns how many it queued; each is
   * reported back with `settled`.
   */
  constructor(options: {
    capMs: number;
    due: (target: string) => number;
    clock?: Pick<Clock, 'after'> | undefined;
  }) {
    this.#capMs = options.capMs;
    this.#due = options.due;
    this.#clock = options.clock ?? systemClock();
  }

  isDown(target: string): boolean {
    return this.#down.has(target);
  }

  /** The targets runs skip now. */
  down(): string[] {
    return [...this.#down.keys()];
  }

  /** How many keys' changes `target` is owed (0 when it is up): its queue depth. */
  owedCount(target: string): number {
    return this.#down.get(target)?.owed.size ?? 0;
  }

  /** The current down episode of `target` (undefined when it is up): errors count once per episode. */
  episode(target: string): object | undefined {
    return this.#down.get(target);
  }

  /** A run found `target` unreachable: it is down, and its first recovery is scheduled. */
  markDown(target: string): void {
    if (this.#stopped || this.#down.has(target)) return;
    const entry: DownTarget = { attempts: 0, timer: undefined, outstanding: 0, owed: new Map() };
    this.#down.set(target, entry);
    this.#schedule(target, entry);
  }

  /** `target` (down) did not get the change of `key`; a later change of the key replaces it. */
  owe(target: string, key: string, item: TriggerItem): void {
    this.#down.get(target)?.owed.set(key, item);
  }

  /**
   * One recovery pass of `target` finished. Reached (`up`): the target is up again and the
   * changes it is owed are returned, to run for it alone. Not reached: once its last outstanding
   * pass has settled, the next recovery is scheduled with the doubled backoff.
   */
  settled(target: string, up: boolean): Map<string, TriggerItem> | undefined {
    const entry = this.#down.get(target);
    if (!entry) return undefined;
    entry.outstanding = Math.max(0, entry.outstanding - 1);
    if (up) {
      entry.timer?.stop();
      this.#down.delete(target);
      return entry.owed;
    }
    if (entry.outstanding === 0) this.#schedule(target, entry);
    return undefined;
  }

  stop(): void {
    this.#stopped = true;
    for (const entry of this.#down.values()) entry.timer?.stop();
  }

  #schedule(target: string, entry: DownTarget): void {
    if (this.#stopped) return;
    const delay = this.#delay(entry.attempts);
    entry.attempts++;
    entry.timer = this.#clock.after(delay, () => {
      entry.timer = undefined;
      if (this.#stopped || this.#down.get(target) !== entry) return;
      entry.outstanding = this.#due(target);
    });
  }

  #delay(attempts: number): number {
    return Math.min(FIRST_RECOVERY_MS * 2 ** attempts, this.#capMs);
  }
}
