/**
 * The pure rules every monitor applies, so that monitors looking at the same hubs reach the same
 * answer: who leads now (the record with the highest epoch), who leads next (the next healthy
 * hub in pool order after the leader), how many hubs must accept a claim (a majority of the pool
 * without the leader being replaced), and consecutive failure counts.
 */

/** The leadership record kept on every hub (ConfigMap data in namespace `mcsync`). */
export interface LeaderRecord {
  leader: string;
  /** Strictly increasing across failovers; 0 is the implicit initial leader (no record). */
  epoch: number;
  /** The leader this one replaced. */
  previous: string | undefined;
  /** ISO time of the election. */
  electedAt: string;
  /** Identity of the monitor that won the claim. */
  electedBy: string;
  /** Where the restore onto `leader` stands; undefined when no backup is configured. */
  restore?: RestoreState | undefined;
}

/**
 * The restore that goes with an election, kept in the record so that another monitor can finish
 * it when the one running it dies: `pending` until the runner writes `done` or `failed`.
 */
export interface RestoreState {
  status: 'pending' | 'done' | 'failed';
  /** The monitor running (or that ran) the restore. */
  by: string;
  /** ISO time the current attempt started. */
  startedAt: string;
  /** 1 for the elected monitor's restore, +1 for each monitor that took it over. */
  attempt: number;
  /** The backup restored (done/failed). */
  backup?: string | undefined;
}

/**
 * How far a record has got within one epoch: no restore state < pending attempt 1 < attempt 2 <
 * done or failed. Records of the same epoch and leader are ordered by it.
 */
export function restoreProgress(record: LeaderRecord): number {
  const restore = record.restore;
  if (!restore) return 0;
  return restore.status === 'pending' ? restore.attempt : Number.MAX_SAFE_INTEGER;
}

/** True when `candidate` should replace `stored`: a higher epoch, or the same election further on. */
export function supersedes(candidate: LeaderRecord, stored: LeaderRecord | undefined): boolean {
  if (!stored || candidate.epoch > stored.epoch) return true;
  return (
    candidate.epoch === stored.epoch &&
    candidate.leader === stored.leader &&
    restoreProgress(candidate) > restoreProgress(stored)
  );
}

/** What a monitor believes about leadership after reading the records it can reach. */
export interface LeaderView {
  leader: string;
  epoch: number;
  previous: string | undefined;
  /** The record behind the view (undefined: no hub has one yet, initial leader at epoch 0). */
  record: LeaderRecord | undefined;
}

/**
 * The view from the records read on reachable hubs: the highest epoch wins. Two records with
 * the same epoch and different leaders can only remain from a claim that crashed half-way; the
 * one whose leader comes first in pool order wins, so every monitor picks the same. Among
 * records of the same election, the one whose restore has got furthest wins.
 */
export function currentView(
  records: readonly (LeaderRecord | undefined)[],
  pool: readonly string[],
  initialLeader: string,
): LeaderView {
  let best: LeaderRecord | undefined;
  const rank = (name: string): number => {
    const index = pool.indexOf(name);
    return index < 0 ? pool.length : index;
  };
  for (const record of records) {
    if (!record) continue;
    if (
      !best ||
      record.epoch > best.epoch ||
      (record.epoch === best.epoch && rank(record.leader) < rank(best.leader)) ||
      supersedes(record, best)
    ) {
      best = record;
    }
  }
  if (!best) return { leader: initialLeader, epoch: 0, previous: undefined, record: undefined };
  return { leader: best.leader, epoch: best.epoch, previous: best.previous, record: best };
}

/**
 * The hub that takes over from `leader`: the first healthy hub after it in pool order, wrapping
 * around; never `leader` itself. Undefined when no other hub is healthy.
 */
export function nextLeader(
  pool: readonly string[],
  leader: string,
  healthy: ReadonlySet<string>,
): string | undefined {
  const start = pool.indexOf(leader);
  for (let step = 1; step <= pool.length; step++) {
    const candidate = pool[(Math.max(start, -1) + step + pool.length) % pool.length] as string;
    if (candidate !== leader && healthy.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Hubs that must accept a claim replacing `leader`: a majority of the pool without it. Two
 * claims for the same epoch need majorities of the same set, which always share a hub, and a
 * hub accepts only one claim per epoch: at most one claim wins.
 */
export function quorumSize(pool: readonly string[], leader: string): number {
  const voters = pool.filter((name) => name !== leader).length;
  return Math.floor(voters / 2) + 1;
}

/** Consecutive failures per hub after one round of probes (a success resets to 0). */
export function countFailures(
  previous: ReadonlyMap<string, number>,
  round: ReadonlyMap<string, boolean>,
): Map<string, number> {
  const next = new Map<string, number>();
  for (const [hub, ok] of round) next.set(hub, ok ? 0 : (previous.get(hub) ?? 0) + 1);
  return next;
}
