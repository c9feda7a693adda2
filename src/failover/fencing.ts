/**
 * Claiming leadership with a strictly increasing epoch, and spreading the record to every hub
 * that lags behind. A claim for epoch E is written to the voters (the pool without the leader
 * being replaced) one by one in pool order, each by compare-and-swap that only succeeds while
 * the hub's record is below E. The claim wins with a majority of the voters; a claim that finds
 * a record at E or above stops at once and takes back what it wrote. See docs/failover.md.
 */
import { errorMessage } from '../errors.ts';
import { supersedes } from './election.ts';
import type { LeaderRecord } from './election.ts';
import type { HubHandle } from './hubs.ts';
import { deleteRecord, readRecord, writeRecord } from './record.ts';
import type { StoredRecord } from './record.ts';

export interface ClaimResult {
  won: boolean;
  /** Hubs that accepted the claim (and still hold it when it won). */
  accepted: string[];
  /** Why it lost: a higher or equal epoch was found, or too few voters answered. */
  reason: string | undefined;
}

/** Records of every hub given that answers; hubs that fail are left out. */
export async function readRecords(
  hubs: readonly HubHandle[],
  pool: string,
  timeoutMs: number,
): Promise<Map<string, StoredRecord>> {
  const entries = await Promise.all(
    hubs.map(async (hub) => {
      try {
        return [hub.name, await readRecord(hub.client, pool, timeoutMs)] as const;
      } catch {
        return undefined;
      }
    }),
  );
  return new Map(entries.filter((e) => e !== undefined));
}

/**
 * Writes `record` (epoch E) to `voters` in order. Stops and releases at the first hub whose
 * record is at E or above. Wins when at least `quorum` voters accepted.
 */
export async function claimLeadership(options: {
  voters: readonly HubHandle[];
  pool: string;
  record: LeaderRecord;
  quorum: number;
  timeoutMs: number;
}): Promise<ClaimResult> {
  const { voters, pool, record, timeoutMs } = options;
  const accepted: { hub: HubHandle; resourceVersion: string | undefined; previous: StoredRecord }[] = [];
  let reason: string | undefined;
  for (const hub of voters) {
    const step = await claimOne(hub, pool, record, timeoutMs);
    if (step.kind === 'accepted')
      accepted.push({ hub, resourceVersion: step.resourceVersion, previous: step.previous });
    if (step.kind === 'superseded') {
      reason = `hub ${hub.name} already holds epoch ${step.epoch} (leader ${step.leader})`;
      break;
    }
  }
  if (!reason && accepted.length >= options.quorum) {
    return { won: true, accepted: accepted.map((a) => a.hub.name), reason: undefined };
  }
  reason ??= `only ${accepted.length} of ${voters.length} voting hubs accepted; ${options.quorum} needed`;
  await Promise.all(accepted.map((a) => release(a.hub, pool, a.resourceVersion, a.previous, timeoutMs)));
  return { won: false, accepted: [], reason };
}

type ClaimStep =
  | { kind: 'accepted'; resourceVersion: string | undefined; previous: StoredRecord }
  | { kind: 'superseded'; epoch: number; leader: string }
  | { kind: 'unreachable'; error: string };

async function claimOne(
  hub: HubHandle,
  pool: string,
  record: LeaderRecord,
  timeoutMs: number,
): Promise<ClaimStep> {
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await readRecord(hub.client, pool, timeoutMs);
      if (stored.record && stored.record.epoch >= record.epoch) {
        return { kind: 'superseded', epoch: stored.record.epoch, leader: stored.record.leader };
      }
      const written = await writeRecord(hub.client, pool, record, stored.resourceVersion, timeoutMs);
      if (written.outcome === 'written') {
        return { kind: 'accepted', resourceVersion: written.resourceVersion, previous: stored };
      }
    }
    return { kind: 'unreachable', error: 'the record kept changing' };
  } catch (error) {
    return { kind: 'unreachable', error: errorMessage(error) };
  }
}

/** Puts back what a lost claim replaced, only if nobody wrote after it. */
async function release(
  hub: HubHandle,
  pool: string,
  resourceVersion: string | undefined,
  previous: StoredRecord,
  timeoutMs: number,
): Promise<void> {
  if (!resourceVersion) return;
  try {
    if (previous.record) await writeRecord(hub.client, pool, previous.record, resourceVersion, timeoutMs);
    else await deleteRecord(hub.client, pool, resourceVersion, timeoutMs);
  } catch {
    // unreachable now: the record stays at the lost epoch; currentView breaks the tie
  }
}

/**
 * Writes `record` to every hub whose record it supersedes (none, a lower epoch, or the same
 * election with its restore less far on). Returns the hubs updated. Conflicts and unreachable
 * hubs are skipped: the next run repairs them.
 */
export async function spreadRecord(
  hubs: readonly HubHandle[],
  pool: string,
  record: LeaderRecord,
  timeoutMs: number,
): Promise<string[]> {
  const updated = await Promise.all(
    hubs.map(async (hub) => {
      try {
        const stored = await readRecord(hub.client, pool, timeoutMs);
        if (!supersedes(record, stored.record)) return undefined;
        const written = await writeRecord(hub.client, pool, record, stored.resourceVersion, timeoutMs);
        return written.outcome === 'written' ? hub.name : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return updated.filter((name) => name !== undefined);
}
