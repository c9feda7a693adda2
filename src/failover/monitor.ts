/**
 * One monitor run (one-shot): probe every hub each ping_period until the leader answers or has
 * failed ping_fails_acceptable times in a row; then, if it failed, elect the next healthy hub,
 * claim leadership with a higher epoch, restore the latest backup onto the new leader and alert.
 * A healthy leader whose restore has been pending longer than restore_timeout (its monitor died)
 * gets the restore again. A monitor that reaches no hub does nothing. Restore and alerts are
 * injected (tests, check mode).
 */
import type { Clock, ModuleLogger } from '../model/module.ts';
import { shortDuration } from '../shared/duration.ts';
import { countFailures, currentView } from './election.ts';
import { failOver } from './fail-over.ts';
import type { LeaderRecord, LeaderView, RestoreState } from './election.ts';
import { readRecords, spreadRecord } from './fencing.ts';
import type { HubHandle, ProbeOutcome } from './hubs.ts';
import { probeHub } from './hubs.ts';
import { pendingRestore, restoreOverdue, takeOverRestore, withFinishedRestore } from './restore-state.ts';
import type { RestoreEnd } from './restore-state.ts';
import type { HubPoolConfig } from './types.ts';

export type MonitorOutcome =
  | 'healthy'
  | 'failed_over'
  | 'would_fail_over'
  | 'restore_resumed'
  | 'would_resume_restore'
  | 'followed'
  | 'cut_off'
  | 'no_candidate'
  | 'lost_claim';

export interface FailoverEvent {
  pool: string;
  oldLeader: string;
  newLeader: string;
  epoch: number;
  /** ISO time of the election. */
  time: string;
  monitor: string;
  /** Set when this monitor restores again because the restore of `from` never finished. */
  resumed?: { from: string; startedAt: string; attempt: number } | undefined;
}

export interface MonitorReport {
  outcome: MonitorOutcome;
  leader: string;
  epoch: number;
  previousLeader: string | undefined;
  /** Probe rounds run. */
  rounds: number;
  /** Consecutive failures per hub after the last round. */
  failures: Record<string, number>;
  /** Last probe error per failing hub. */
  errors: Record<string, string>;
  /** Hubs whose stale record was brought up to date. */
  repaired: string[];
  /** Why a claim lost (lost_claim). */
  reason?: string;
  msg: string;
}

export interface MonitorDeps {
  config: HubPoolConfig;
  hubs: readonly HubHandle[];
  clock: Clock;
  signal: AbortSignal;
  log: ModuleLogger;
  /** Who this monitor is, written into the record (`host/pid`). */
  identity: string;
  /** Check mode: decide, write nothing. */
  check: boolean;
  /**
   * Restores and alerts: called once by the monitor that won the claim (or took over a stalled
   * restore), before it returns. Resolves with how the restore ended (undefined: no backup).
   */
  onElected(event: FailoverEvent, leader: HubHandle): Promise<RestoreEnd | undefined>;
}

/** One probe of every hub: who answered, and the leader the reachable records name. */
export interface Round {
  results: Map<string, ProbeOutcome>;
  reachable: HubHandle[];
  view: LeaderView;
}

/** Runs one monitor pass; see the file comment. */
export async function runMonitor(deps: MonitorDeps): Promise<MonitorReport> {
  const { config, clock } = deps;
  let failures = new Map<string, number>();
  let round: Round | undefined;
  let rounds = 0;
  for (;;) {
    const started = clock.now();
    round = await probeRound(deps);
    rounds += 1;
    failures = countFailures(failures, new Map([...round.results].map(([h, r]) => [h, r.ok])));
    const leaderOk = round.results.get(round.view.leader)?.ok ?? false;
    const leaderFails = failures.get(round.view.leader) ?? 0;
    deps.log.info(
      `round ${rounds}: leader ${round.view.leader} (epoch ${round.view.epoch}) ${leaderOk ? 'answers' : `failed ${leaderFails}×`}; reachable: ${round.reachable.map((h) => h.name).join(', ') || 'none'}`,
    );
    if (leaderOk) return healthy(deps, round, rounds, failures);
    if (leaderFails >= config.pingFailsAcceptable) break;
    await clock.sleep(Math.max(0, config.pingPeriodMs - (clock.now() - started)), deps.signal);
  }
  return failOver(deps, round, base(round, rounds, failures));
}

async function probeRound(deps: MonitorDeps): Promise<Round> {
  const outcomes = await Promise.all(deps.hubs.map((hub) => probeHub(hub, deps.config.pingTimeoutMs)));
  const results = new Map(deps.hubs.map((hub, i) => [hub.name, outcomes[i] as ProbeOutcome]));
  const reachable = deps.hubs.filter((hub) => results.get(hub.name)?.ok);
  const stored = await readRecords(reachable, deps.config.name, deps.config.pingTimeoutMs);
  const view = currentView(
    [...stored.values()].map((s) => s.record),
    deps.config.pool.map((h) => h.name),
    deps.config.initialLeader,
  );
  return { results, reachable, view };
}

/** The part of a report every outcome shares: the probe results. */
export type ReportBase = Omit<MonitorReport, 'outcome' | 'msg'>;

function base(round: Round, rounds: number, failures: Map<string, number>): ReportBase {
  const errors: Record<string, string> = {};
  for (const [hub, r] of round.results) if (!r.ok && r.error) errors[hub] = r.error;
  return {
    leader: round.view.leader,
    epoch: round.view.epoch,
    previousLeader: round.view.previous,
    rounds,
    failures: Object.fromEntries(failures),
    errors,
    repaired: [],
  };
}

async function healthy(
  deps: MonitorDeps,
  round: Round,
  rounds: number,
  failures: Map<string, number>,
): Promise<MonitorReport> {
  const report = base(round, rounds, failures);
  const record = round.view.record;
  const pending = pendingRestore(record);
  let restoreNote = '';
  if (record && pending) {
    const resumed = await resumeStalledRestore(deps, round, report, record, pending);
    if (typeof resumed !== 'string') return resumed;
    restoreNote = `; ${resumed}`;
  }
  if (record && !deps.check) {
    report.repaired = await spreadRecord(
      round.reachable,
      deps.config.name,
      record,
      deps.config.pingTimeoutMs,
    );
  }
  const repaired = report.repaired.length
    ? `; record brought up to date on ${report.repaired.join(', ')}`
    : '';
  return {
    ...report,
    outcome: 'healthy',
    msg: `leader ${round.view.leader} (epoch ${round.view.epoch}) is healthy${restoreNote}${repaired}`,
  };
}

/**
 * The leader answers but its restore is still pending. Within restore_timeout it is left to its
 * monitor (a note for the message is returned). After that, the monitor that takes it over
 * restores and alerts again; the others are told why not (also a note).
 */
async function resumeStalledRestore(
  deps: MonitorDeps,
  round: Round,
  report: ReportBase,
  record: LeaderRecord,
  pending: RestoreState,
): Promise<MonitorReport | string> {
  const { config } = deps;
  const now = deps.clock.now();
  const running = `the restore by ${pending.by} (attempt ${pending.attempt}) has been running since ${pending.startedAt}`;
  if (!restoreOverdue(pending, now, config.restoreTimeoutMs)) return running;
  const stalled = `the restore onto ${record.leader} by ${pending.by} (attempt ${pending.attempt}, started ${pending.startedAt}) did not finish within ${shortDuration(config.restoreTimeoutMs)}`;
  if (!config.backup) return `${stalled}; no backup_location is configured to restore it from`;
  const head = `leader ${record.leader} (epoch ${record.epoch}) is healthy, but ${stalled}`;
  if (deps.check) return { ...report, outcome: 'would_resume_restore', msg: `${head}: would restore again` };
  const leader = round.reachable.find((h) => h.name === record.leader) as HubHandle;
  const taken = await takeOverRestore({
    leader,
    pool: config.name,
    seen: record,
    identity: deps.identity,
    now: new Date(now).toISOString(),
    timeoutMs: config.pingTimeoutMs,
  });
  if (!taken.won) return `${stalled}, and this monitor did not take it over: ${taken.reason}`;
  const others = round.reachable.filter((h) => h !== leader);
  report.repaired = await spreadRecord(others, config.name, taken.record, config.pingTimeoutMs);
  const attempt = taken.record.restore?.attempt ?? pending.attempt + 1;
  const end = await deps.onElected(
    {
      pool: config.name,
      oldLeader: record.previous ?? '',
      newLeader: record.leader,
      epoch: record.epoch,
      time: record.electedAt,
      monitor: deps.identity,
      resumed: { from: pending.by, startedAt: pending.startedAt, attempt },
    },
    leader,
  );
  await recordRestoreEnd(deps, round.reachable, taken.record, end);
  return { ...report, outcome: 'restore_resumed', msg: `${head}: restored again (attempt ${attempt})` };
}

/** Writes `done`/`failed` to the hubs (best effort: a hub missed now is repaired by the next run). */
export async function recordRestoreEnd(
  deps: MonitorDeps,
  hubs: readonly HubHandle[],
  record: LeaderRecord,
  end: RestoreEnd | undefined,
): Promise<void> {
  const finished = withFinishedRestore(record, end);
  if (finished) await spreadRecord(hubs, deps.config.name, finished, deps.config.pingTimeoutMs);
}
