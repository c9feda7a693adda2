/**
 * One shape for a run's outcome from either tool: Ansible's json stdout callback and mcsync's
 * `--output json` become plays of tasks with per-host status and user-visible values, and the
 * recap with mcsync's count names. Tests compare these, never the raw documents.
 */
import type { RecapCounts } from '../../../src/model/result.ts';

export type OracleStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostOutcome {
  status: OracleStatus;
  /** What the task shows: `msg`, the `var:` of a debug, registered-looking keys. */
  values: Record<string, unknown>;
}

export interface TaskRecord {
  name: string;
  hosts: Record<string, HostOutcome>;
}

export interface PlayRecord {
  name: string;
  tasks: TaskRecord[];
}

export interface RunRecord {
  plays: PlayRecord[];
  /** Every play's tasks, in run order. */
  tasks: TaskRecord[];
  recap: Record<string, RecapCounts>;
}

/** Bookkeeping keys of either tool that are not part of what a task shows. */
const HIDDEN_KEYS = new Set([
  'action',
  'changed',
  'failed',
  'skipped',
  'unreachable',
  'status',
  'durationMs',
  'invocation',
  'ansible_facts',
  'facts',
  'skip_reason',
  'false_condition',
  'attempts',
  'retries',
  'items',
  'results',
]);

/** A skipped result shows only that it was skipped (the tools word the reason differently). */
function outcome(status: OracleStatus, result: Record<string, unknown>): HostOutcome {
  return { status, values: status === 'skipped' ? {} : visibleValues(result) };
}

function visibleValues(result: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (!key.startsWith('_ansible') && !HIDDEN_KEYS.has(key)) values[key] = value;
  }
  return values;
}

interface AnsibleJson {
  plays: {
    play: { name: string };
    tasks: { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[];
  }[];
  stats: Record<string, Record<string, number>>;
}

function ansibleStatus(result: Record<string, unknown>): OracleStatus {
  if (result['unreachable'] === true) return 'unreachable';
  if (result['skipped'] === true) return 'skipped';
  if (result['failed'] === true) return 'failed';
  return result['changed'] === true ? 'changed' : 'ok';
}

/** Parses ansible-playbook's json callback output (stdout of a run with ANSIBLE_STDOUT_CALLBACK=json). */
export function fromAnsibleJson(stdout: string): RunRecord {
  const doc = JSON.parse(stdout) as AnsibleJson;
  const plays = doc.plays.map((play) => ({
    name: play.play.name,
    tasks: play.tasks.map((task) => ({
      name: task.task.name,
      hosts: Object.fromEntries(
        Object.entries(task.hosts).map(([host, result]) => [host, outcome(ansibleStatus(result), result)]),
      ),
    })),
  }));
  const recap: Record<string, RecapCounts> = {};
  for (const [host, stats] of Object.entries(doc.stats)) {
    recap[host] = {
      ok: stats['ok'] ?? 0,
      changed: stats['changed'] ?? 0,
      unreachable: stats['unreachable'] ?? 0,
      failed: stats['failures'] ?? 0,
      skipped: stats['skipped'] ?? 0,
      rescued: stats['rescued'] ?? 0,
      ignored: stats['ignored'] ?? 0,
    };
  }
  return { plays, tasks: plays.flatMap((play) => play.tasks), recap };
}

interface McsyncJson {
  plays: { name: string; tasks: { name: string; hosts: Record<string, Record<string, unknown>> }[] }[];
  recap: Record<string, RecapCounts>;
}

/** mcsync reports ignored and rescued failures as their own statuses; Ansible's json as failed. */
function mcsyncStatus(status: unknown): OracleStatus {
  if (status === 'ignored' || status === 'rescued') return 'failed';
  return status as OracleStatus;
}

/** Parses `mcsync-play --output json`. */
export function fromMcsyncJson(stdout: string): RunRecord {
  const doc = JSON.parse(stdout) as McsyncJson;
  const plays = doc.plays.map((play) => ({
    name: play.name,
    tasks: play.tasks.map((task) => ({
      name: task.name,
      hosts: Object.fromEntries(
        Object.entries(task.hosts).map(([host, result]) => [
          host,
          outcome(mcsyncStatus(result['status']), result),
        ]),
      ),
    })),
  }));
  return { plays, tasks: plays.flatMap((play) => play.tasks), recap: doc.recap };
}

/**
 * One line per task and host, in run order (hosts sorted within a task, since with forks > 1
 * their results arrive in any order): `task [host] status values`.
 */
export function timeline(record: RunRecord | PlayRecord): string[] {
  return record.tasks.flatMap((task) =>
    Object.keys(task.hosts)
      .sort()
      .map((host) => {
        const outcome = task.hosts[host] as HostOutcome;
        const values = Object.keys(outcome.values).length > 0 ? ` ${JSON.stringify(outcome.values)}` : '';
        return `${task.name} [${host}] ${outcome.status}${values}`;
      }),
  );
}

/** What the `debug` tasks named `name` showed per host: its `msg`, or the value of its `var:`. */
export function shown(record: RunRecord, name: string): Record<string, unknown> {
  const task = record.tasks.find((entry) => entry.name === name);
  if (!task)
    throw new Error(`no task named '${name}' ran; tasks: ${record.tasks.map((t) => t.name).join(', ')}`);
  const out: Record<string, unknown> = {};
  for (const host of Object.keys(task.hosts).sort()) {
    const values = task.hosts[host]?.values ?? {};
    const keys = Object.keys(values);
    out[host] = 'msg' in values ? values['msg'] : keys.length === 1 ? values[keys[0] as string] : values;
  }
  return out;
}

/**
 * Numbers as Ansible's debug shows them: without jinja2_native (2.14's default) a templated
 * number is rendered to a string (`var: r.attempts` shows "1"), where mcsync keeps the number.
 * A template-semantics difference (docs/playbook-language.md), so tests compare the text.
 */
export function numbersAsText(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value]),
  );
}
