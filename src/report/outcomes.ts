/**
 * One record per host × task, gathered from engine events: what the plan (`--output json`) and the
 * JUnit report (`--junit`) are built from. Loop items fold into their task's record; a censored
 * (`no_log`) result contributes neither its message nor its objects.
 */
import type { SourceLocation } from '../errors.ts';
import { describeRef } from '../kube/types.ts';
import type { EngineEvent } from '../model/events.ts';
import type { HostStatus, ModuleResult, RecapCounts, ResultDiff } from '../model/result.ts';
import { taskTitle } from './format.ts';
import { visibleItem, visibleResult } from './host-lines.ts';
import type { HostResultEvent } from './host-lines.ts';
import { unifiedDiff } from './unified-diff.ts';

/** What a changed object goes through, in the words of a plan. */
export type ChangeKind = 'create' | 'update' | 'delete';

/** The module's own words for an object (k8s, k8s_sync `objects[].action`) that mean a change. */
const CHANGE_OF_ACTION: Readonly<Record<string, ChangeKind>> = {
  created: 'create',
  configured: 'update',
  deleted: 'delete',
  pruned: 'delete',
};

/** The `--diff` text of one object, reduced to counts and the unified diff lines. */
export interface DiffSummary {
  added: number;
  removed: number;
  /** Unified diff lines, Secret values already masked by the kube layer (src/kube/diff.ts). */
  lines: string[];
}

/** One object a task creates, updates or deletes (or would, in check mode). */
export interface ObjectChange {
  change: ChangeKind;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The module's word: created, configured, deleted or pruned. */
  action: string;
  /** Present when the run had `--diff` (the module computes diffs only then). */
  diff?: DiffSummary;
}

export interface ItemOutcome {
  item: string;
  status: HostStatus;
  msg?: string;
}

export interface HostTaskOutcome {
  play: string;
  /** The task as its banner names it: `role : name`. */
  task: string;
  module: string;
  handler: boolean;
  location: SourceLocation;
  host: string;
  status: HostStatus;
  changed: boolean;
  msg?: string;
  /** Why a skipped task was skipped (`skip_reason`). */
  skipReason?: string;
  changes: ObjectChange[];
  items: ItemOutcome[];
  durationMs: number;
}

/** Collects HostTaskOutcomes and the recap counts (summed over playbooks) from the event stream. */
export class OutcomeCollector {
  readonly #outcomes: HostTaskOutcome[] = [];
  readonly #recap: Record<string, RecapCounts> = {};
  #play = '';
  /** The current task's records by host; a new task_start starts a new map. */
  #current = new Map<string, HostTaskOutcome>();

  record(event: EngineEvent): void {
    switch (event.type) {
      case 'play_start':
        this.#play = event.name;
        return;
      case 'task_start':
        this.#current = new Map();
        return;
      case 'host_result':
        this.#addResult(event);
        return;
      case 'recap':
        addRecap(this.#recap, event.hosts);
        return;
      default:
        return;
    }
  }

  /** Every host × task so far, in the order the results came. */
  outcomes(): HostTaskOutcome[] {
    return this.#outcomes;
  }

  /** Per host counts over every playbook of the run. */
  recap(): Record<string, RecapCounts> {
    return this.#recap;
  }

  #addResult(event: HostResultEvent): void {
    const result = visibleResult(event);
    let outcome = this.#current.get(event.host);
    if (!outcome) {
      outcome = newOutcome(this.#play, event);
      this.#current.set(event.host, outcome);
      this.#outcomes.push(outcome);
    }
    outcome.changes.push(...objectChanges(result));
    const msg = messageOf(result);
    if (event.item !== undefined) {
      outcome.items.push({
        item: visibleItem(event) ?? '',
        status: event.status,
        ...(msg === undefined ? {} : { msg }),
      });
      outcome.durationMs += event.durationMs;
      outcome.status = worseStatus(outcome.status, event.status);
      outcome.changed ||= result.changed === true;
      return;
    }
    // The task's own result (a loop's summary arrives after its items and replaces their guesses).
    outcome.status = event.status;
    outcome.changed = result.changed === true;
    outcome.durationMs = event.durationMs;
    if (msg === undefined) delete outcome.msg;
    else outcome.msg = msg;
    const reason = result['skip_reason'];
    if (typeof reason === 'string') outcome.skipReason = reason;
  }
}

function newOutcome(play: string, event: HostResultEvent): HostTaskOutcome {
  return {
    play,
    task: taskTitle(event.task),
    module: event.task.module,
    handler: event.task.handler === true,
    location: event.task.location,
    host: event.host,
    status: event.status,
    changed: false,
    changes: [],
    items: [],
    durationMs: 0,
  };
}

function addRecap(total: Record<string, RecapCounts>, hosts: Record<string, RecapCounts>): void {
  for (const [host, counts] of Object.entries(hosts)) {
    const sum = total[host];
    if (!sum) {
      total[host] = { ...counts };
      continue;
    }
    for (const key of Object.keys(counts) as (keyof RecapCounts)[]) sum[key] += counts[key];
  }
}

/** A result's `msg` as one string (debug may return a list or mapping). */
function messageOf(result: ModuleResult): string | undefined {
  const { msg } = result;
  if (msg === undefined || msg === null || msg === '') return undefined;
  return typeof msg === 'string' ? msg : JSON.stringify(msg);
}

/**
 * The changed objects of a result's `objects` list (k8s, k8s_sync), each with its diff when the
 * result carries one whose header names the object (`v1/ConfigMap demo/settings`).
 */
export function objectChanges(result: ModuleResult): ObjectChange[] {
  const objects = result['objects'];
  if (!Array.isArray(objects)) return [];
  const diffs = diffsByHeader(result.diff);
  const changes: ObjectChange[] = [];
  for (const object of objects) {
    const reported = objectReport(object);
    const change = reported && CHANGE_OF_ACTION[reported.action];
    if (!reported || !change) continue;
    const diff = diffs.get(describeRef(reported));
    changes.push({ change, ...reported, ...(diff ? { diff: summarize(diff) } : {}) });
  }
  return changes;
}

type ObjectReport = Omit<ObjectChange, 'change' | 'diff'>;

function objectReport(value: unknown): ObjectReport | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { apiVersion, kind, namespace, name, action } = value as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string')
    return undefined;
  if (typeof action !== 'string') return undefined;
  return {
    apiVersion,
    kind,
    ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
    name,
    action,
  };
}

function diffsByHeader(diff: ModuleResult['diff']): Map<string, ResultDiff> {
  const list = diff === undefined ? [] : Array.isArray(diff) ? diff : [diff];
  return new Map(list.filter((one) => one.header !== undefined).map((one) => [one.header!, one]));
}

function summarize(diff: ResultDiff): DiffSummary {
  const lines = unifiedDiff(diff.before, diff.after, diff.header);
  const body = lines.slice(2);
  return {
    added: body.filter((line) => line.startsWith('+')).length,
    removed: body.filter((line) => line.startsWith('-')).length,
    lines,
  };
}

/** Worst first: the status a loop shows while only its items have arrived. */
const STATUS_ORDER: readonly HostStatus[] = [
  'unreachable',
  'failed',
  'rescued',
  'ignored',
  'changed',
  'ok',
  'skipped',
];

/** The worse of two statuses (STATUS_ORDER). */
export function worseStatus(a: HostStatus, b: HostStatus): HostStatus {
  return STATUS_ORDER.indexOf(a) <= STATUS_ORDER.indexOf(b) ? a : b;
}
