/**
 * The plan in `--output json` (docs/ci.md): per host, the tasks that would change something (or
 * did, without --check) or failed, and per task the objects created, updated or deleted. Only
 * object references and masked diffs go in, never a result's data. Pure.
 */
import type { SourceLocation } from '../errors.ts';
import type { HostStatus, RecapCounts } from '../model/result.ts';
import type { HostTaskOutcome, ObjectChange } from './outcomes.ts';

/** A host as a whole: the worst thing that happened to it. */
export type PlanHostStatus = 'ok' | 'changed' | 'failed' | 'unreachable';

export interface PlanTask {
  play: string;
  task: string;
  module: string;
  handler?: true;
  location: SourceLocation;
  status: HostStatus;
  msg?: string;
  changes: ObjectChange[];
}

export interface PlanHost {
  status: PlanHostStatus;
  tasks: PlanTask[];
}

export interface Plan {
  /** True when any host changed, or would change in check mode (failed hosts included). */
  changed: boolean;
  /** Every host the run touched, by name (sorted). */
  hosts: Record<string, PlanHost>;
}

/** The plan of a run from its host × task outcomes and its recap (summed over playbooks). */
export function buildPlan(outcomes: readonly HostTaskOutcome[], recap: Record<string, RecapCounts>): Plan {
  const names = [...new Set([...Object.keys(recap), ...outcomes.map((outcome) => outcome.host)])].sort();
  const hosts: Record<string, PlanHost> = {};
  for (const name of names) {
    const tasks = outcomes.filter((outcome) => outcome.host === name && inPlan(outcome)).map(planTask);
    hosts[name] = { status: hostStatus(recap[name], tasks), tasks };
  }
  const changed =
    Object.values(recap).some((counts) => counts.changed > 0) || outcomes.some((outcome) => outcome.changed);
  return { changed, hosts };
}

/** A task is in the plan when it changed something or failed: what a reviewer must look at. */
function inPlan(outcome: HostTaskOutcome): boolean {
  return outcome.changed || outcome.status === 'failed' || outcome.status === 'unreachable';
}

function planTask(outcome: HostTaskOutcome): PlanTask {
  return {
    play: outcome.play,
    task: outcome.task,
    module: outcome.module,
    ...(outcome.handler ? { handler: true as const } : {}),
    location: outcome.location,
    status: outcome.status,
    ...(outcome.msg === undefined ? {} : { msg: outcome.msg }),
    changes: outcome.changes,
  };
}

/** From the recap when the host has one, else from its tasks. */
function hostStatus(counts: RecapCounts | undefined, tasks: readonly PlanTask[]): PlanHostStatus {
  const has = (status: HostStatus): boolean => tasks.some((task) => task.status === status);
  if (counts ? counts.unreachable > 0 : has('unreachable')) return 'unreachable';
  if (counts ? counts.failed > 0 : has('failed')) return 'failed';
  if (counts ? counts.changed > 0 : tasks.length > 0) return 'changed';
  return 'ok';
}
