/**
 * What the passes find, per target, about copies whose source on the observed cluster is gone or
 * no longer selected: removed ones (--prune, or the playbook's own prune) get one line and count
 * in observe_pruned_copies_total{target}; kept ones are in observe_orphan_copies{target} after
 * every pass and get one warning whenever that set changes, so an operator learns of them once,
 * not every resync.
 */
import type { Counter, Gauge } from './metrics.ts';
import type { CopiesFound } from './trigger.ts';

/** Names shown in one line; the rest are counted. */
const SHOWN = 10;

export interface OrphanMetrics {
  orphanCopies: Gauge;
  prunedCopies: Counter;
}

export class OrphanReport {
  readonly #metrics: OrphanMetrics;
  readonly #err: NodeJS.WritableStream;
  /** Per target, the kept copies last reported (sorted, joined). */
  readonly #kept = new Map<string, string>();

  constructor(metrics: OrphanMetrics, err: NodeJS.WritableStream) {
    this.#metrics = metrics;
    this.#err = err;
  }

  /** Records one pass over `source` (an observed cluster). */
  record(source: string, copies: Readonly<Record<string, CopiesFound>> | undefined): void {
    for (const [target, found] of Object.entries(copies ?? {})) {
      if (found.removed.length) {
        this.#metrics.prunedCopies.inc({ target }, found.removed.length);
        this.#err.write(
          `pruned ${count(found.removed)} on ${target} whose source on ${source} is gone or no longer selected: ${names(found.removed)}\n`,
        );
      }
      this.#metrics.orphanCopies.set({ target }, found.kept.length);
      const kept = [...found.kept].sort().join(' ');
      if (kept === (this.#kept.get(target) ?? '')) continue;
      this.#kept.set(target, kept);
      if (found.kept.length)
        this.#err.write(
          `warning: ${count(found.kept)} on ${target} whose source on ${source} is gone or no longer selected, kept (mcsync observe --prune removes them): ${names(found.kept)}\n`,
        );
    }
  }
}

function count(list: readonly string[]): string {
  return list.length === 1 ? '1 copy' : `${list.length} copies`;
}

function names(list: readonly string[]): string {
  const sorted = [...list].sort();
  const more = sorted.length - SHOWN;
  return sorted.slice(0, SHOWN).join(', ') + (more > 0 ? ` and ${more} more` : '');
}
