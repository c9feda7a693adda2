/**
 * What a monitor does once the leader has failed ping_fails_acceptable times: each decision of
 * the election is one named step, in the order they are taken.
 *
 * 1. `cut_off`: no hub answers, so this monitor cannot tell who is down and does nothing.
 * 2. `followed`: the records, read again, already name another reachable leader.
 * 3. `no_candidate`: no other hub of the pool is healthy.
 * 4. `would_fail_over` (check mode): the record that would be claimed.
 * 5. `lost_claim`: another monitor's claim won the compare-and-swap on the voters.
 * 6. `failed_over`: the record is spread, the restore and alert run, and their end is recorded.
 */
import { currentView, nextLeader, quorumSize } from './election.ts';
import type { LeaderRecord, LeaderView } from './election.ts';
import { claimLeadership, readRecords, spreadRecord } from './fencing.ts';
import type { HubHandle } from './hubs.ts';
import { withPendingRestore } from './restore-state.ts';
import type { MonitorDeps, MonitorReport, ReportBase, Round } from './monitor.ts';
import { recordRestoreEnd } from './monitor.ts';

/** Runs the election after the leader failed; `report` holds the probe results. */
export async function failOver(deps: MonitorDeps, round: Round, report: ReportBase): Promise<MonitorReport> {
  const failed = round.view.leader;
  if (round.reachable.length === 0) {
    return {
      ...report,
      outcome: 'cut_off',
      msg: `no hub of the pool answers: this monitor is cut off and does nothing`,
    };
  }
  const latest = await rereadView(deps, round);
  if (latest.view.leader !== failed && round.reachable.some((h) => h.name === latest.view.leader)) {
    return followed(report, failed, latest.view);
  }
  const candidate = nextLeader(poolNames(deps), failed, new Set(round.reachable.map((h) => h.name)));
  if (!candidate) {
    return {
      ...report,
      outcome: 'no_candidate',
      msg: `leader ${failed} is down after ${threshold(deps)} and no other hub is healthy`,
    };
  }
  const record = proposedRecord(deps, failed, candidate, latest);
  const next = { ...report, leader: candidate, epoch: record.epoch, previousLeader: failed };
  if (deps.check) {
    return {
      ...next,
      outcome: 'would_fail_over',
      msg: `leader ${failed} is down after ${threshold(deps)}: would elect ${candidate} (epoch ${record.epoch})`,
    };
  }
  const claim = await claimLeadership({
    voters: round.reachable.filter((h) => h.name !== failed),
    pool: deps.config.name,
    record,
    quorum: quorumSize(poolNames(deps), failed),
    timeoutMs: deps.config.pingTimeoutMs,
  });
  if (!claim.won) {
    return {
      ...report,
      outcome: 'lost_claim',
      reason: claim.reason,
      msg: `leader ${failed} is down; this monitor's claim for ${candidate} lost: ${claim.reason}`,
    };
  }
  next.repaired = await spreadRecord(
    round.reachable.filter((h) => !claim.accepted.includes(h.name)),
    deps.config.name,
    record,
    deps.config.pingTimeoutMs,
  );
  await announce(deps, round, record, failed);
  return {
    ...next,
    outcome: 'failed_over',
    msg: `leader ${failed} was down after ${threshold(deps)}: elected ${candidate} (epoch ${record.epoch})`,
  };
}

interface LatestView {
  view: LeaderView;
  /** The highest epoch any reachable hub has recorded. */
  maxEpoch: number;
}

/** Reads the records again: another monitor may have elected a leader since the probes. */
async function rereadView(deps: MonitorDeps, round: Round): Promise<LatestView> {
  const stored = await readRecords(round.reachable, deps.config.name, deps.config.pingTimeoutMs);
  const records = [...stored.values()].map((s) => s.record);
  const view = currentView(records, poolNames(deps), deps.config.initialLeader);
  return { view, maxEpoch: Math.max(view.epoch, ...records.map((r) => r?.epoch ?? 0)) };
}

function followed(report: ReportBase, failed: string, view: LeaderView): MonitorReport {
  return {
    ...report,
    leader: view.leader,
    epoch: view.epoch,
    previousLeader: view.previous,
    outcome: 'followed',
    msg: `leader ${failed} is down; ${view.leader} already leads (epoch ${view.epoch})`,
  };
}

/** The record this monitor claims: the next epoch, and a pending restore when there are backups. */
function proposedRecord(
  deps: MonitorDeps,
  failed: string,
  candidate: string,
  latest: LatestView,
): LeaderRecord {
  const elected: LeaderRecord = {
    leader: candidate,
    epoch: latest.maxEpoch + 1,
    previous: failed,
    electedAt: new Date(deps.clock.now()).toISOString(),
    electedBy: deps.identity,
  };
  return deps.config.backup ? withPendingRestore(elected, deps.identity) : elected;
}

/** Restores onto the new leader and alerts (through `onElected`), then records how that ended. */
async function announce(
  deps: MonitorDeps,
  round: Round,
  record: LeaderRecord,
  failed: string,
): Promise<void> {
  const leaderHub = deps.hubs.find((h) => h.name === record.leader) as HubHandle;
  const end = await deps.onElected(
    {
      pool: deps.config.name,
      oldLeader: failed,
      newLeader: record.leader,
      epoch: record.epoch,
      time: record.electedAt,
      monitor: deps.identity,
    },
    leaderHub,
  );
  await recordRestoreEnd(deps, round.reachable, record, end);
}

function poolNames(deps: MonitorDeps): string[] {
  return deps.config.pool.map((h) => h.name);
}

function threshold(deps: MonitorDeps): string {
  return `${deps.config.pingFailsAcceptable} failed pings`;
}
