/**
 * The restore that follows an election, tracked in the leadership record so that it survives
 * the monitor running it. The winner writes `pending` with its claim and `done` or `failed` once
 * the restore ends. When a later monitor finds a restore still pending after restore_timeout, it
 * takes the restore over by compare-and-swap on the new leader's own record: of several monitors
 * finding the same stalled restore, one writes the next attempt and restores again.
 */
import { errorMessage } from '../errors.ts';
import { restoreProgress } from './election.ts';
import type { LeaderRecord, RestoreState } from './election.ts';
import type { HubHandle } from './hubs.ts';
import { readRecord, writeRecord } from './record.ts';

/** How a restore ended, as the monitor that ran it reports it. */
export interface RestoreEnd {
  status: 'done' | 'failed';
  /** The backup restored, when one was found. */
  backup?: string | undefined;
}

/** The record with a first, pending restore by `by` (the winner's claim). */
export function withPendingRestore(record: LeaderRecord, by: string): LeaderRecord {
  return { ...record, restore: { status: 'pending', by, startedAt: record.electedAt, attempt: 1 } };
}

/** The record once the restore has ended; undefined when it carried no restore state. */
export function withFinishedRestore(
  record: LeaderRecord,
  end: RestoreEnd | undefined,
): LeaderRecord | undefined {
  if (!record.restore || !end) return undefined;
  return { ...record, restore: { ...record.restore, status: end.status, backup: end.backup } };
}

/** The record's restore when it is still pending. */
export function pendingRestore(record: LeaderRecord | undefined): RestoreState | undefined {
  return record?.restore?.status === 'pending' ? record.restore : undefined;
}

/**
 * True when a pending restore started at least `timeoutMs` before `now`. A start time that does
 * not parse counts as overdue, so a damaged record cannot block the restore for ever.
 */
export function restoreOverdue(restore: RestoreState, now: number, timeoutMs: number): boolean {
  const started = Date.parse(restore.startedAt);
  return !Number.isFinite(started) || now - started >= timeoutMs;
}

export type TakeOver = { won: true; record: LeaderRecord } | { won: false; reason: string };

/**
 * Claims the stalled restore of `seen` for `identity`: writes attempt + 1 to the leader's record
 * if that record has not got further than `seen` (compare-and-swap on its resourceVersion). A
 * conflict or a record that moved on means another monitor is on it.
 */
export async function takeOverRestore(options: {
  leader: HubHandle;
  pool: string;
  seen: LeaderRecord;
  identity: string;
  now: string;
  timeoutMs: number;
}): Promise<TakeOver> {
  const { leader, pool, seen } = options;
  const restore = seen.restore;
  if (!restore) return { won: false, reason: 'the record has no restore to take over' };
  const record: LeaderRecord = {
    ...seen,
    restore: {
      status: 'pending',
      by: options.identity,
      startedAt: options.now,
      attempt: restore.attempt + 1,
    },
  };
  try {
    const stored = await readRecord(leader.client, pool, options.timeoutMs);
    const moved = movedOn(stored.record, seen);
    if (moved) return { won: false, reason: moved };
    const written = await writeRecord(leader.client, pool, record, stored.resourceVersion, options.timeoutMs);
    if (written.outcome === 'conflict')
      return { won: false, reason: `another monitor wrote the record on ${leader.name} first` };
    return { won: true, record };
  } catch (error) {
    return { won: false, reason: `cannot write the record on ${leader.name}: ${errorMessage(error)}` };
  }
}

/** Why the leader's record forbids taking over `seen`, or undefined when it does not. */
function movedOn(stored: LeaderRecord | undefined, seen: LeaderRecord): string | undefined {
  if (!stored || stored.epoch < seen.epoch) return undefined;
  if (stored.epoch > seen.epoch || stored.leader !== seen.leader)
    return `${stored.leader} leads at epoch ${stored.epoch} now`;
  if (restoreProgress(stored) <= restoreProgress(seen)) return undefined;
  const r = stored.restore;
  return r?.status === 'pending'
    ? `monitor ${r.by} took the restore over (attempt ${r.attempt})`
    : `the restore is ${r?.status ?? 'finished'}`;
}
