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

/** One pair of runs (mcsync then ansible-playbook) on the same clusters, checked identical. */
export interface PairRun {
  mcsync: Partial<Record<Phase, Measure>>;
  ansible: Partial<Record<Phase, Measure>>;
  /** Number of objects compared (both tools' snapshots were equal). */
  compared: number;
}

/** Scenario 1 or 2 at one size. */
export interface ComparisonPoint {
  scenario: 'create' | 'sync';
  n: number;
  clusters: number;
  /** Objects each tool writes per target cluster. */
  objectsPerCluster: number;
  phases: Phase[];
  commands: { mcsync: string; ansible: string };
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
