/**
 * The shape of what `npm run bench` measured, saved as bench/results.json (full runs; --quick
 * runs go to .sandbox-bench/results-quick.json) so the report and chart can be regenerated
 * (`node bench/run.ts --report-only`) and scenarios can be rerun one at a time.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One timed run of one tool. */
export interface Measure {
  seconds: number;
  /** User + system CPU seconds (the tool and every process it started). */
  cpuSeconds?: number;
  /** 1-minute load average of the machine when the run started (it is shared). */
  load?: number;
  rssMb: number;
  /** Sum of `changed` over the recap's hosts. */
  changed: number;
}

/** Phases of a comparison: first run on clean targets, then the same command again. */
export type Phase = 'first' | 'noop';

/**
 * The tools a comparison runs: mcsync; `ansible`, ansible-playbook as the proof of concept wrote
 * it (one module call per object); `ansibleFast`, one kubernetes.core.k8s call per host with the
 * whole list; `kubectl` (get -o json, stripped, apply --server-side per target in parallel); and
 * `floor`, a bare client sending only the requests (bench/peers/floor.ts).
 */
export const TOOLS = ['mcsync', 'ansible', 'ansibleFast', 'kubectl', 'floor'] as const;
export type Tool = (typeof TOOLS)[number];

/** Names of the tools in tables. */
export const TOOL_NAMES: Record<Tool, string> = {
  mcsync: 'mcsync-play',
  ansible: 'ansible-playbook, one k8s call per object',
  ansibleFast: 'ansible-playbook, one k8s call per host with the whole list',
  kubectl: 'kubectl get -o json, stripped, apply --server-side per target in parallel',
  floor: 'floor: a bare client sending only the requests',
};

/** The phases one tool ran in one pair. */
export type ToolRun = Partial<Record<Phase, Measure>>;

/**
 * One round of runs on the same clusters, each tool from the same clean state, checked
 * identical. Called a pair because it began as mcsync and ansible-playbook; a round now holds
 * the tools it was asked for (older rounds hold mcsync and ansible only).
 */
export type PairRun = { mcsync: ToolRun; compared: number } & Partial<
  Record<Exclude<Tool, 'mcsync'>, ToolRun>
>;

/** Scenario 1 or 2 at one size. */
export interface ComparisonPoint {
  scenario: 'create' | 'sync';
  n: number;
  clusters: number;
  /** Objects each tool writes per target cluster. */
  objectsPerCluster: number;
  phases: Phase[];
  commands: { mcsync: string } & Partial<Record<Exclude<Tool, 'mcsync'>, string>>;
  /** Requests in flight per host of the floor's runs. */
  floorInflight?: number;
  measuredAt: string;
  runs: PairRun[];
}

/** Latencies of one watch approach. */
export interface WatchSeries {
  command: string;
  latenciesMs: number[];
  /** Changes that were not seen on every slave within the timeout. */
  missed: number;
}

/** Scenario 3. */
export interface WatchResult {
  status: 'ok' | 'not available yet';
  reason?: string;
  changes: number;
  measuredAt: string;
  mcsync?: WatchSeries;
  ansible?: WatchSeries;
  compared?: number;
}

/** Scenario 4 at one point of the curve. */
export interface ScalePoint {
  objects: number;
  clusters: number;
  measuredAt: string;
  runs: Array<{ first: Measure; noop: Measure }>;
}

/** Where the time of one profiled mcsync-play run went. */
export interface ProfileSummary {
  label: string;
  wallSeconds: number;
  /** Sampled milliseconds: total, idle (waiting on the network), GC. */
  totalMs: number;
  idleMs: number;
  gcMs: number;
  /** Self time by area (our source directories, dependencies, Node internals). */
  areas: Array<{ area: string; ms: number }>;
  /** Functions with the most self time. */
  top: Array<{ fn: string; where: string; ms: number }>;
}

/**
 * mcsync's CPU per object write (bench/cpu-per-write.ts): first sync and no-op rerun of
 * `objects` objects to `slaves` slaves, CPU from GNU time (user + system of the process).
 */
export interface CpuRecord {
  /** What was measured, e.g. `before (4704bbd)` or `after (abc1234)`. */
  label: string;
  command: string;
  objects: number;
  slaves: number;
  measuredAt: string;
  runs: Array<{ first: Measure; noop: Measure }>;
  /** The floor sending the same applies (--floor): a bare client's CPU for these writes. */
  floor?: Measure;
}

/** Everything measured, by scenario. */
export interface BenchResults {
  machine: string;
  versions: Record<string, string>;
  runsPerPoint: number;
  quick: boolean;
  create: ComparisonPoint[];
  sync: ComparisonPoint[];
  watch?: WatchResult;
  scale: ScalePoint[];
  profiles: ProfileSummary[];
  cpu: CpuRecord[];
}

/** Empty results for a fresh file. */
export function emptyResults(): BenchResults {
  return {
    machine: '',
    versions: {},
    runsPerPoint: 0,
    quick: false,
    create: [],
    sync: [],
    scale: [],
    profiles: [],
    cpu: [],
  };
}

/** Reads a results file, or empty results when it does not exist. */
export function loadResults(file: string): BenchResults {
  if (!existsSync(file)) return emptyResults();
  return { ...emptyResults(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchResults>) };
}

/** Writes the results file (pretty JSON, stable for diffs). */
export function saveResults(file: string, results: BenchResults): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** Replaces the point with the same scenario, n and clusters, or appends it. */
export function upsert<T extends { n?: number; objects?: number; clusters: number }>(
  list: T[],
  point: T,
): void {
  const index = list.findIndex(
    (p) => p.n === point.n && p.objects === point.objects && p.clusters === point.clusters,
  );
  if (index >= 0) list[index] = point;
  else list.push(point);
}
